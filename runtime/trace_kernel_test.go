package runtime

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
	"golang.org/x/sys/unix"
)

// runScript runs a script in a new runtime that the test closes.
func runScript(t *testing.T, script string) *Runtime {
	t.Helper()
	kerneltest.Require(t)
	rt := New(nil)
	t.Cleanup(func() { rt.Close() })
	if err := rt.RunString(context.Background(), "trace.lua", script, nil); err != nil {
		t.Fatalf("script: %s", source.Detail(err))
	}
	return rt
}

// mine is kernel code that is true when the current process is the
// test's: tracepoints fire for every process on the machine.
const mine = `bit.rshift(pid_tgid(), 32) == MYPID`

const tracePrelude = `local ffi = require('ffi')
local bpf = require('bpf')
MYPID = require('syscall').getpid()
counts = bpf.map('array', 4, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
`

// TestTracepointCountsCalls attaches to syscalls/sys_enter_getpid and
// counts exactly the calls the test makes, from one thread: the Go
// runtime's other threads may call getpid too.
func TestTracepointCountsCalls(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if bit.band(pid_tgid(), 0xffffffff) == %d then xadd(counts[0], 1) end
end)`, unix.Gettid()))
	for i := 0; i < 7; i++ {
		unix.Getpid()
	}
	if got := eval(t, rt, "return tonumber(counts[0])"); got != "7" {
		t.Errorf("counted %s getpid calls, want 7", got)
	}
}

// TestTracepointReadsField reads a typed field of the record and uses it
// as a map key and value.
func TestTracepointReadsField(t *testing.T) {
	rt := runScript(t, tracePrelude+`
local tp = bpf.tracepoint('syscalls/sys_enter_close')
tp:bpf(function (arg)
	if `+mine+` and arg.fd >= 1000 and arg.fd < 1004 then
		counts[arg.fd - 1000] = arg.fd + 1
	end
end)`)
	for fd := 1000; fd < 1003; fd++ {
		unix.Close(fd)
	}
	got := eval(t, rt, "return tonumber(counts[0]) .. ' ' .. tonumber(counts[1]) .. ' ' .. tonumber(counts[2]) .. ' ' .. tonumber(counts[3])")
	if got != "1001 1002 1003 0" {
		t.Errorf("counts = %s, want 1001 1002 1003 0", got)
	}
}

func TestTracepointErrors(t *testing.T) {
	kerneltest.Require(t)
	for _, tc := range []struct{ script, want string }{
		{`bpf.tracepoint('sched/sched_swich', function (arg) end)`, "sched/sched_switch"},
		{`bpf.tracepoint('syscalls/sys_enter_close', function (arg) return arg.common_pid end)`, "trace.lua:2: a tracepoint cannot read arg.common_pid"},
		{`bpf.tracepoint('syscalls/sys_enter_close', function (arg) return arg.fdd end)`, "did you mean 'fd'?"},
		{`bpf.tracepoint('syscalls/sys_enter_close', function (arg) return pkt.ip.proto end)`, "'pkt' reads the packet, which a tracepoint cannot do"},
	} {
		rt := New(nil)
		err := rt.RunString(context.Background(), "trace.lua", "local bpf = require('bpf')\n"+tc.script, nil)
		rt.Close()
		if err == nil || !strings.Contains(source.Detail(err), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.script, err, tc.want)
		}
	}
}

// TestKprobeOnThisKernel loads a kprobe program into the verifier; on a
// kernel without kprobes (this one) attaching stops with one clear
// sentence at the script's line.
func TestKprobeOnThisKernel(t *testing.T) {
	kerneltest.Require(t)
	rt := New(nil)
	defer rt.Close()
	script := tracePrelude + `
bpf.kprobe('myprobe:do_sys_openat2', function (ptregs)
	xadd(counts[0], 1)
	counts[1] = ptregs.parm2
end)`
	err := rt.RunString(context.Background(), "kprobe.lua", script, nil)
	if kprobesAvailable() {
		if err != nil {
			t.Fatalf("kprobe: %s", source.Detail(err))
		}
		return
	}
	want := "kprobe.lua:6: kprobes are unavailable in this kernel"
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "errno") {
		t.Fatalf("got %v, want %q...", err, want)
	}
}

// TestTracelogReadsPrint reads what kernel code's print writes.
func TestTracelogReadsPrint(t *testing.T) {
	rt := runScript(t, tracePrelude+`
log = bpf.tracelog()
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if `+mine+` then print('luabpf test %d', 4242) end
end)`)
	unix.Getpid()
	got := eval(t, rt, `
		for i = 1, 1000 do
			local l = log:read()
			if l:find('luabpf test', 1, true) then return l end
		end`)
	if !strings.HasSuffix(got, "luabpf test 4242") {
		t.Errorf("trace line %q does not end in the printed text", got)
	}
}

// TestTracelogLines iterates trace_pipe with log:lines(), as scripts do
// with the file the original's bpf.tracelog returned.
func TestTracelogLines(t *testing.T) {
	rt := runScript(t, tracePrelude+`
log = bpf.tracelog()
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if `+mine+` then print('luabpf lines %d', 77) end
end)`)
	unix.Getpid()
	got := eval(t, rt, `
		local n = 0
		for l in log:lines() do
			n = n + 1
			if l:find('luabpf lines', 1, true) then return l end
			if n > 1000 then return 'not found' end
		end`)
	if !strings.HasSuffix(got, "luabpf lines 77") {
		t.Errorf("trace line %q does not end in the printed text", got)
	}
}

// TestKsym names a kernel address: schedule's, plus 4, written as a
// LuaJIT 64-bit literal.
func TestKsym(t *testing.T) {
	kerneltest.Require(t)
	data, err := os.ReadFile("/proc/kallsyms")
	if err != nil {
		t.Fatal(err)
	}
	addr := ""
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[2] == "schedule" && strings.EqualFold(f[1], "t") {
			addr = f[0]
		}
	}
	if addr == "" {
		t.Fatal("no schedule in /proc/kallsyms")
	}
	rt := runScript(t, fmt.Sprintf("name = require('bpf').ksym(0x%sULL + 4)\n", addr))
	if got := eval(t, rt, "return name"); got != "schedule+0x4" {
		t.Errorf("ksym(schedule + 4) = %q", got)
	}
}

// TestStackIDFrames records the kernel stack of a system call and reads
// it back: the frames, named through /proc/kallsyms addresses as scripts
// do, include the system call's entry.
func TestStackIDFrames(t *testing.T) {
	rt := runScript(t, tracePrelude+`
stacks = bpf.map('stack_trace', 8)
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if `+mine+` then counts[0] = stack_id(stacks, BPF.F_FAST_STACK_CMP) + 1 end
end)`)
	unix.Getpid()
	got := eval(t, rt, `
		local ffi = require('ffi')
		ffi.cdef('unsigned long long strtoull(const char *, char **, int);')
		local ksyms = {}
		for l in io.lines('/proc/kallsyms') do
			local addr, name = l:match('^(%x+) [Tt] (%S+)')
			if addr then ksyms[ffi.C.strtoull(addr, nil, 16)] = name end
		end
		local id = tonumber(counts[0]) - 1
		assert(id >= 0, 'stack_id failed')
		local names = {}
		for _, ip in ipairs(stacks[id]) do names[#names+1] = ksyms[ip] or string.format('%p', ip) end
		return table.concat(names, ' ')`)
	if !strings.Contains(got, "do_syscall_64") {
		t.Errorf("stack %q lacks do_syscall_64", got)
	}
}

// TestTracepointPointersAndNarrowFields reads a system call's string
// argument (a pointer to user memory) into a stack buffer and compares
// it, and its int argument as the int the format declares in its 8-byte
// slot (AT_FDCWD is -100).
func TestTracepointPointersAndNarrowFields(t *testing.T) {
	marker := fmt.Sprintf("/tmp/luabpf-openat-%d", os.Getpid())
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
bpf.tracepoint('syscalls/sys_enter_openat', function (arg)
	if not (%s) then return end
	local name = ffi.new('char [64]')
	ffi.copy(name, arg.filename)
	if name == '%s' then
		xadd(counts[0], 1)
		counts[1] = arg.dfd + 1000
	end
	if ffi.string(arg.filename) == '%s' then xadd(counts[2], 1) end
end)`, mine, marker, marker))
	for i := 0; i < 2; i++ {
		if f, err := os.Open(marker); err == nil {
			f.Close()
		}
	}
	if got := eval(t, rt, "return tonumber(counts[0]) .. ' ' .. tonumber(counts[1]) .. ' ' .. tonumber(counts[2])"); got != "2 900 2" {
		t.Errorf("counts = %s, want 2 900 2 (two opens of the marker, dfd -100, the name as a C string)", got)
	}
}

// TestTracepointDataLoc reads a __data_loc string of a record: the file
// name of a program the test executes.
func TestTracepointDataLoc(t *testing.T) {
	rt := runScript(t, tracePrelude+`
bpf.tracepoint('sched/sched_process_exec', function (arg)
	local name = ffi.new('char [32]')
	ffi.copy(name, arg.filename)
	if name == '/bin/true' then xadd(counts[0], 1) end
end)`)
	for i := 0; i < 3; i++ {
		if err := exec.Command("/bin/true").Run(); err != nil {
			t.Fatal(err)
		}
	}
	if got := eval(t, rt, "return tonumber(counts[0])"); got < "3" {
		t.Errorf("counted %s execs of /bin/true, want at least 3", got)
	}
}

// TestKprobePointerChainsLoad loads a kprobe program that follows
// pointers through kernel memory: the verifier accepts it (attaching
// then fails on this kernel, which has no kprobes).
func TestKprobePointerChainsLoad(t *testing.T) {
	kerneltest.Require(t)
	rt := New(nil)
	defer rt.Close()
	script := tracePrelude + `
ffi.cdef('struct inner { uint32_t a; uint64_t b; }; struct outer { uint64_t x; struct inner *inner; char name[8]; };')
bpf.kprobe('p:do_sys_openat2', function (ptregs)
	local o = ffi.cast('struct outer *', ptregs.parm2)
	counts[0] = o.inner.b + o.x
	local buf = ffi.new('char [8]')
	ffi.copy(buf, o.name)
	if buf == 'abc' then xadd(counts[1], 1) end
	local s = ffi.cast('char *', ptregs.parm1)
	counts[2] = s[3]
end)`
	err := rt.RunString(context.Background(), "kprobe.lua", script, nil)
	if kprobesAvailable() {
		if err != nil {
			t.Fatalf("kprobe: %s", source.Detail(err))
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), "kprobes are unavailable in this kernel") {
		t.Fatalf("got %v, want the program to load and attaching to fail", source.Detail(err))
	}
}
