package proto

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/golden"
)

// parseTestdata parses testdata/tracepoint/CATEGORY__EVENT.format.
func parseTestdata(t *testing.T, name string) *TracepointFormat {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tracepoint", strings.ReplaceAll(name, "/", "__")+".format"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := ParseFormat(name, data, ctype.AMD64)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// describe prints a tracepoint one field per line: offset, size, name,
// the format's type, the struct member's type and the flags.
func describe(tp *TracepointFormat) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s id %d: %s, size %d, align %d\n", tp.Name, tp.ID, tp.Struct, tp.Struct.Size, tp.Struct.Align)
	for i, f := range tp.Fields {
		m := tp.Struct.Fields[i]
		fmt.Fprintf(&b, "%3d %3d %-22s %-24s %s", f.Offset, f.Size, f.Name, f.Type, m.Type)
		if m.Offset != f.Offset || m.Name != f.Name || max(m.Type.Size, 0) != f.Size && !f.DataLoc {
			fmt.Fprintf(&b, " MISMATCH(offset %d size %d)", m.Offset, m.Type.Size)
		}
		for _, flag := range []struct {
			on   bool
			text string
		}{
			{f.Signed, "signed"}, {f.Array, fmt.Sprintf("array[%d]", f.Len)}, {f.Pointer, "pointer"},
			{f.DataLoc, "data_loc of " + fmt.Sprint(f.Elem)}, {f.RelLoc, "rel_loc"}, {f.Common, "common"},
		} {
			if flag.on {
				b.WriteString(" " + flag.text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestParseFormatGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "tracepoint", "*.format"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no format files: %v", err)
	}
	for _, file := range files {
		name := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(file), ".format"), "__", "/")
		t.Run(name, func(t *testing.T) {
			got := []byte(describe(parseTestdata(t, name)))
			goldenPath := strings.TrimSuffix(file, ".format") + ".golden"
			golden.Check(t, goldenPath, got)
		})
	}
}

// fieldWant is what a test expects of one field.
type fieldWant struct {
	name         string
	off, size    int
	ctype        string
	signed       bool
	len          int
	ptr, dataLoc bool
}

func checkFields(t *testing.T, tp *TracepointFormat, want []fieldWant) {
	t.Helper()
	for _, w := range want {
		f, ok := tp.Field(w.name)
		if !ok {
			t.Errorf("%s: no field %s (have %v)", tp.Name, w.name, tp.Names())
			continue
		}
		got := fieldWant{f.Name, f.Offset, f.Size, f.CType.String(), f.Signed, f.Len, f.Pointer, f.DataLoc}
		if got != w {
			t.Errorf("%s.%s = %+v, want %+v", tp.Name, w.name, got, w)
		}
		m, ok := tp.Struct.Field(w.name)
		if !ok || m.Offset != w.off || m.Type != f.CType {
			t.Errorf("%s: struct member %s at %d (found %v), want offset %d", tp.Name, w.name, m.Offset, ok, w.off)
		}
	}
}

func TestParseFormatGetpid(t *testing.T) {
	tp := parseTestdata(t, "syscalls/sys_enter_getpid")
	if tp.ID != 309 || len(tp.Fields) != 5 || tp.Struct.Size != 12 {
		t.Errorf("id %d, %d fields, size %d", tp.ID, len(tp.Fields), tp.Struct.Size)
	}
	checkFields(t, tp, []fieldWant{
		{name: "common_type", off: 0, size: 2, ctype: "unsigned short"},
		{name: "common_flags", off: 2, size: 1, ctype: "unsigned char"},
		{name: "common_preempt_count", off: 3, size: 1, ctype: "unsigned char"},
		{name: "common_pid", off: 4, size: 4, ctype: "int", signed: true},
		{name: "__syscall_nr", off: 8, size: 4, ctype: "int", signed: true},
	})
	for _, f := range tp.Fields {
		if f.Common != strings.HasPrefix(f.Name, "common_") {
			t.Errorf("%s: Common = %v", f.Name, f.Common)
		}
	}
	if s := tp.Struct.String(); s != "struct tracepoint__syscalls__sys_enter_getpid" {
		t.Errorf("struct spelled %q", s)
	}
}

func TestParseFormatSchedSwitch(t *testing.T) {
	tp := parseTestdata(t, "sched/sched_switch")
	checkFields(t, tp, []fieldWant{
		{name: "prev_comm", off: 8, size: 16, ctype: "char [16]", len: 16},
		{name: "prev_pid", off: 24, size: 4, ctype: "pid_t", signed: true},
		{name: "prev_prio", off: 28, size: 4, ctype: "int", signed: true},
		{name: "prev_state", off: 32, size: 8, ctype: "long", signed: true},
		{name: "next_comm", off: 40, size: 16, ctype: "char [16]", len: 16},
		{name: "next_pid", off: 56, size: 4, ctype: "pid_t", signed: true},
		{name: "next_prio", off: 60, size: 4, ctype: "int", signed: true},
	})
	if tp.Struct.Size != 64 || tp.Struct.Align != 8 {
		t.Errorf("struct size %d align %d, want 64 and 8", tp.Struct.Size, tp.Struct.Align)
	}
	// The kernel builds with -funsigned-char: the comm bytes are unsigned.
	if f, _ := tp.Field("prev_comm"); f.CType.Elem.Signed || f.CType.Elem.Size != 1 {
		t.Errorf("prev_comm elements: %+v", f.CType.Elem)
	}
}

func TestParseFormatDataLoc(t *testing.T) {
	tp := parseTestdata(t, "sched/sched_process_exec")
	checkFields(t, tp, []fieldWant{
		{name: "filename", off: 8, size: 4, ctype: "uint32_t", dataLoc: true},
		{name: "pid", off: 12, size: 4, ctype: "pid_t", signed: true},
		{name: "old_pid", off: 16, size: 4, ctype: "pid_t", signed: true},
	})
	f, _ := tp.Field("filename")
	if f.Type != "__data_loc char[]" || f.Elem.String() != "char" || f.RelLoc {
		t.Errorf("filename: type %q, elem %v, rel %v", f.Type, f.Elem, f.RelLoc)
	}
}

func TestParseFormatKinds(t *testing.T) {
	openat := parseTestdata(t, "syscalls/sys_enter_openat")
	// Syscall arguments are 8 bytes whatever their declared type.
	checkFields(t, openat, []fieldWant{
		{name: "dfd", off: 16, size: 8, ctype: "uint64_t"},
		{name: "filename", off: 24, size: 8, ctype: "char *", ptr: true},
		{name: "mode", off: 40, size: 8, ctype: "umode_t"},
	})
	checkFields(t, parseTestdata(t, "ftrace/print"), []fieldWant{
		{name: "ip", off: 8, size: 8, ctype: "unsigned long"},
		{name: "buf", off: 16, size: 0, ctype: "char [0]"},
	})
	checkFields(t, parseTestdata(t, "raw_syscalls/sys_enter"), []fieldWant{
		{name: "args", off: 16, size: 48, ctype: "unsigned long [6]", len: 6},
	})
	checkFields(t, parseTestdata(t, "sock/sock_exceed_buf_limit"), []fieldWant{
		{name: "sysctl_mem", off: 40, size: 24, ctype: "long [3]", signed: true, len: 3},
	})
	checkFields(t, parseTestdata(t, "percpu/percpu_alloc_percpu"), []fieldWant{
		{name: "ptr", off: 56, size: 8, ctype: "void *", ptr: true},
	})
	cpumask := parseTestdata(t, "ipi/ipi_send_cpumask")
	if f, _ := cpumask.Field("cpumask"); !f.DataLoc || f.Elem.String() != "cpumask_t" {
		t.Errorf("cpumask: %+v", f)
	}
}

func TestParseFormatErrors(t *testing.T) {
	const head = "name: x\nID: 1\nformat:\n"
	for _, tc := range []struct{ text, want string }{
		{head, "format of tracepoint 't/x', line 1: no fields"},
		{head + "\tfield:int a;\toffset:0;\n", "line 4: field without offset and size"},
		{head + "\tfield:int a;\toffset:-1;\tsize:4;\n", `line 4: offset "-1": not a number from 0 to 65536`},
		{head + "\tfield:int a;\toffset:65536;\tsize:4;\n", "line 4: field ends at 65540, beyond any record"},
		{head + "\tfield:int;\toffset:0;\tsize:4;\n", `line 4: cannot find type and name in "int"`},
		{head + "\tfield:int a[3];\toffset:0;\tsize:4;\n", "line 4: array 'a' of 3 elements in 4 bytes"},
		{head + "\tfield:int a];\toffset:0;\tsize:4;\n", `line 4: unbalanced ']' in "int a]"`},
		{head + "\tfield:__data_loc char[] s;\toffset:0;\tsize:8;\n", "line 4: dynamic field 's' has size 8, want 4"},
		{head + "\tfield:int a;\toffset:0;\tsize:4;\n\tfield:int a;\toffset:4;\tsize:4;\n", "line 5: field 'a' appears twice"},
		{"ID: x\n", `line 1: bad event ID "x"`},
	} {
		_, err := ParseFormat("t/x", []byte(tc.text), ctype.AMD64)
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("ParseFormat(%q) error:\n got %v\nwant ...%s", tc.text, err, tc.want)
		}
	}
}

func TestParseFormatNameLine(t *testing.T) {
	tp, err := ParseFormat("", []byte("name: foo\nID: 7\nformat:\n\tfield:int a;\toffset:8;\tsize:4;\tsigned:1;\n"), ctype.ARM64)
	if err != nil {
		t.Fatal(err)
	}
	if tp.Name != "foo" || tp.ID != 7 || tp.Struct.String() != "struct tracepoint__foo" || tp.Struct.Size != 12 {
		t.Errorf("got %s id %d %s size %d", tp.Name, tp.ID, tp.Struct, tp.Struct.Size)
	}
}
