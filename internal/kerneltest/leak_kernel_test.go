package kerneltest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// wantLeaks checks that leaks has one entry containing each of want.
func wantLeaks(t *testing.T, leaks []string, want ...string) {
	t.Helper()
	if len(leaks) != len(want) {
		t.Errorf("got %d leaks, want %d:\n%s", len(leaks), len(want), strings.Join(leaks, "\n"))
	}
	for _, w := range want {
		found := false
		for _, l := range leaks {
			found = found || strings.Contains(l, w)
		}
		if !found {
			t.Errorf("no leak mentions %q in:\n%s", w, strings.Join(leaks, "\n"))
		}
	}
}

func TestLeakedFDs(t *testing.T) {
	Require(t)
	before := takeSnapshot()
	if len(before.errs) > 0 {
		t.Fatal(before.errs)
	}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.TracePoint,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	tp, err := link.Tracepoint("syscalls", "sys_enter_getppid", prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Close()
	sock, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sock)
	// A plain socket is no BPF resource.
	udp, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(udp)

	mapID, _ := m.Info()
	id, _ := mapID.ID()
	wantLeaks(t, before.leaks(takeSnapshot()),
		fmt.Sprintf("anon_inode:bpf-map (map_type 1, map_id %d)", id),
		"anon_inode:bpf-prog (prog_type 5,",
		"anon_inode:bpf_link (link_type perf,",
		"anon_inode:[perf_event]",
		fmt.Sprintf("fd %d: packet socket:[", sock))

	tp.Close()
	prog.Close()
	m.Close()
	unix.Close(sock)
	if leaks := waitForLeaks(before, time.Second); len(leaks) > 0 {
		t.Errorf("leaks after closing everything:\n%s", strings.Join(leaks, "\n"))
	}
}

// A program that is only unreachable is closed by its finalizer while
// waitForLeaks collects garbage.
func TestUnreachableIsNoLeak(t *testing.T) {
	Require(t)
	before := takeSnapshot()
	func() {
		_, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
		if err != nil {
			t.Fatal(err)
		}
	}()
	if leaks := waitForLeaks(before, time.Second); len(leaks) > 0 {
		t.Errorf("unreachable map reported:\n%s", strings.Join(leaks, "\n"))
	}
}

func TestLeakedEvents(t *testing.T) {
	Require(t)
	dir, err := MountTracefs()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot()
	events := filepath.Join(dir, "uprobe_events")
	define := func(group string) {
		t.Helper()
		ev := group + "/kerneltest"
		// Probes at offset 0 are never enabled; defining them is enough.
		if err := appendFile(events, fmt.Sprintf("p:%s %s:0x0\n", ev, exe)); err != nil {
			t.Fatalf("define uprobe event: %v", err)
		}
		t.Cleanup(func() {
			if err := appendFile(events, "-:"+ev+"\n"); err != nil {
				t.Errorf("remove uprobe event %s: %v", ev, err)
			}
		})
	}
	pid := os.Getpid()
	define(fmt.Sprintf("luabpf_%d_0123abcd", pid)) // this process's
	define("luabpf_00c0ffee00c0ffee")              // no pid: counted as ours
	define("luabpf_1_0123abcd")                    // pid 1 is alive and not us
	define(fmt.Sprintf("other_%d", pid))           // not luabpf's
	wantLeaks(t, before.leaks(takeSnapshot()),
		fmt.Sprintf("uprobe_events: p:luabpf_%d_0123abcd/kerneltest", pid),
		"uprobe_events: p:luabpf_00c0ffee00c0ffee/kerneltest")
}

// appendFile writes s to a tracefs control file without truncating it.
func appendFile(name, s string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	return errors.Join(err, f.Close())
}

// leakedMap keeps the map of TestLeakyChild reachable, so that no finalizer
// closes it.
var leakedMap *ebpf.Map

// TestLeakyChild leaks a map when run by TestMainReportsLeak.
func TestLeakyChild(t *testing.T) {
	if os.Getenv("KERNELTEST_LEAKY_CHILD") != "1" {
		return
	}
	Require(t)
	var err error
	leakedMap, err = ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if err != nil {
		t.Fatal(err)
	}
}

// Main fails a run whose tests all pass but leak.
func TestMainReportsLeak(t *testing.T) {
	Require(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLeakyChild$", "-test.v")
	cmd.Env = append(os.Environ(), "KERNELTEST_LEAKY_CHILD=1")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("child: %v, want exit status 1; output:\n%s", err, out)
	}
	for _, want := range []string{"--- PASS: TestLeakyChild", "leaked kernel resources (1)", "anon_inode:bpf-map (map_type 2,"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
