package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// uprobeTarget is a running testdata/uprobe_target.c: each call of step
// makes it call add(40, 2), greet("luabpf") and lib_scale(42) once.
type uprobeTarget struct {
	bin, lib string
	cmd      *exec.Cmd
	in       io.WriteCloser
	out      *bufio.Reader
}

// startUprobeTarget builds the target program and its library with gcc
// and starts it.
func startUprobeTarget(t *testing.T) *uprobeTarget {
	t.Helper()
	kerneltest.Require(t)
	dir := t.TempDir()
	lib := filepath.Join(dir, "libuprobe.so")
	bin := filepath.Join(dir, "uprobe_target")
	for _, args := range [][]string{
		{"-O1", "-shared", "-fPIC", "-o", lib, "testdata/uprobe_lib.c"},
		{"-O1", "-o", bin, "testdata/uprobe_target.c", "-L" + dir, "-luprobe", "-Wl,-rpath," + dir},
	} {
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, out)
		}
	}
	u := &uprobeTarget{bin: bin, lib: lib, cmd: exec.Command(bin)}
	var err error
	if u.in, err = u.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := u.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	u.out = bufio.NewReader(stdout)
	if err := u.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.in.Close(); u.cmd.Wait() })
	if l, err := u.out.ReadString('\n'); err != nil || l != "ready\n" {
		t.Fatalf("target said %q, %v", l, err)
	}
	return u
}

// step makes the target run its functions once and waits until it has.
func (u *uprobeTarget) step(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(u.in, "go\n"); err != nil {
		t.Fatal(err)
	}
	if l, err := u.out.ReadString('\n'); err != nil || l != "42 126 6\n" {
		t.Fatalf("target said %q, %v", l, err)
	}
}

// TestUprobeArgumentsAndReturn probes add(a, b) on entry, reading its
// integer arguments, and on return, reading its result; and a function
// of a shared library named without its path.
func TestUprobeArgumentsAndReturn(t *testing.T) {
	u := startUprobeTarget(t)
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
bpf.uprobe('%s:add', function (ptregs)
	xadd(counts[0], 1)
	counts[1] = ptregs.parm1 * 100 + ptregs.parm2
end)
bpf.uprobe('%s:add', function (ptregs)
	counts[2] = ptregs.ret
end, true)
bpf.uprobe('libuprobe.so:lib_scale', function (ptregs)
	xadd(counts[3], ptregs.parm1)
end, false, %d)
`, u.bin, u.bin, u.cmd.Process.Pid))
	for i := 0; i < 3; i++ {
		u.step(t)
	}
	got := eval(t, rt, "return tonumber(counts[0]) .. ' ' .. tonumber(counts[1]) .. ' ' .. tonumber(counts[2]) .. ' ' .. tonumber(counts[3])")
	if got != "3 4002 42 126" {
		t.Errorf("counts = %s, want 3 4002 42 126 (calls, args, result, library argument sum)", got)
	}
}

func TestUprobeErrors(t *testing.T) {
	u := startUprobeTarget(t)
	for _, tc := range []struct{ target, want string }{
		{"/nonexistent/prog:main", "uprobe target '/nonexistent/prog:main'"},
		{u.bin + ":ad", "did you mean 'add'?"},
		{"libnotthere.so:f", "libnotthere.so"},
	} {
		rt := New(nil)
		err := rt.RunString(t.Context(), "probe.lua", "local bpf = require('bpf')\nbpf.uprobe('"+tc.target+"', function (ptregs) end)\n", nil)
		rt.Close()
		if err == nil || !strings.HasPrefix(err.Error(), "probe.lua:2:") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want probe.lua:2: ... %q", tc.target, err, tc.want)
		}
	}
}

// TestUprobeStringArgument copies the string greet(name) is called with
// out of the process's memory, compares it and sends it to userspace.
func TestUprobeStringArgument(t *testing.T) {
	u := startUprobeTarget(t)
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
events = bpf.map('perf_event_array')
reader = events:reader(nil, nil, 'struct { char name[16]; }')
bpf.uprobe('%s:greet', function (ptregs)
	local e = ffi.new('struct { char name[16]; }')
	ffi.copy(e.name, ffi.cast('char *', ptregs.parm1))
	if e.name == 'luabpf' then xadd(counts[0], 1) end
	perf_submit(events, e)
end)
`, u.bin))
	u.step(t)
	u.step(t)
	got := eval(t, rt, `
		local out = {}
		assert(reader:block(1))
		for _, e in reader:read() do out[#out+1] = require('ffi').string(e.name) end
		return tonumber(counts[0]) .. ' ' .. table.concat(out, ',')`)
	if got != "2 luabpf,luabpf" {
		t.Errorf("got %q, want 2 matches and the name twice", got)
	}
}
