package tracefs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTracefs makes a directory that looks like tracefs to ReadFormat and
// Tracepoints: events/CATEGORY/EVENT/format for each name, plus the files
// beside them that real tracefs has.
func fakeTracefs(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(path, text string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "events", "enable"), "0\n")
	write(filepath.Join(dir, "events", "header_page"), "")
	for _, n := range names {
		write(filepath.Join(dir, "events", n, "format"), "name: "+filepath.Base(n)+"\n")
		write(filepath.Join(dir, "events", filepath.Dir(n), "enable"), "0\n")
	}
	// A directory without a format file is not a tracepoint.
	if err := os.MkdirAll(filepath.Join(dir, "events", "sched", "nothing"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var fakeNames = []string{
	"sched/sched_switch", "sched/sched_wakeup", "sched/sched_process_exec",
	"syscalls/sys_enter_open", "syscalls/sys_enter_openat", "syscalls/sys_exit_open",
	"raw_syscalls/sys_enter",
}

func TestListTracepoints(t *testing.T) {
	dir := fakeTracefs(t, fakeNames...)
	got, err := listTracepoints(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "raw_syscalls/sys_enter sched/sched_process_exec sched/sched_switch sched/sched_wakeup syscalls/sys_enter_open syscalls/sys_enter_openat syscalls/sys_exit_open"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("listTracepoints = %s\nwant %s", s, want)
	}
}

func TestReadFormat(t *testing.T) {
	dir := fakeTracefs(t, fakeNames...)
	data, err := readFormat(dir, "sched/sched_switch")
	if err != nil || string(data) != "name: sched_switch\n" {
		t.Fatalf("readFormat = %q, %v", data, err)
	}
	for _, tc := range []struct{ name, want string }{
		{"sched/sched_swich", "no tracepoint 'sched/sched_swich' in this kernel (did you mean 'sched/sched_switch'?)"},
		{"shed/sched_switch", "no tracepoint 'shed/sched_switch' in this kernel (did you mean 'sched/sched_switch'?)"},
		{"syscalls/sys_enter_opn", "no tracepoint 'syscalls/sys_enter_opn' in this kernel (did you mean 'syscalls/sys_enter_open'?)"},
		{"syscall/sys_enter_openat", "no tracepoint 'syscall/sys_enter_openat' in this kernel (did you mean 'syscalls/sys_enter_openat' or 'syscalls/sys_enter_open'?)"},
		{"syscalls/sys_enter_opena", "no tracepoint 'syscalls/sys_enter_opena' in this kernel (did you mean 'syscalls/sys_enter_open' or 'syscalls/sys_enter_openat'?)"},
		{"raw_syscalls/sys_enter_openat", "no tracepoint 'raw_syscalls/sys_enter_openat' in this kernel (did you mean 'syscalls/sys_enter_openat'?)"},
		{"foo/bar", "no tracepoint 'foo/bar' in this kernel (tracefs lists them in events/*/*)"},
		{"sched_switch", "tracepoint name 'sched_switch' must be 'category/event', e.g. 'sched/sched_switch'"},
		{"sched:sched_switch", "tracepoint name 'sched:sched_switch' must be 'category/event', write 'sched/sched_switch'"},
		{"../sched_switch", "tracepoint name '../sched_switch' must be 'category/event', e.g. 'sched/sched_switch'"},
		{"sched/../../x", "tracepoint name 'sched/../../x' must be 'category/event', e.g. 'sched/sched_switch'"},
		{"sched/", "tracepoint name 'sched/' must be 'category/event', e.g. 'sched/sched_switch'"},
		{"sched/nothing", "no tracepoint 'sched/nothing' in this kernel (tracefs lists them in events/*/*)"},
	} {
		_, err := readFormat(dir, tc.name)
		if err == nil || err.Error() != tc.want {
			t.Errorf("readFormat(%q) error:\n got %v\nwant %s", tc.name, err, tc.want)
		}
	}
	_, err = readFormat(dir, "sched/sched_swich")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unknown tracepoint error %v does not match os.ErrNotExist", err)
	}
}

func TestNearTracepointsWithoutCategory(t *testing.T) {
	got := nearTracepoints("sched_swich", fakeNames)
	if s := strings.Join(got, " "); s != "sched/sched_switch" {
		t.Errorf("nearTracepoints(sched_swich) = %q", s)
	}
}
