package runtime

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
)

// Forms of the original's test suites that need no kernel.

// runQuiet runs script, returning what it printed and its error.
func runQuiet(t *testing.T, script string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rt := New(&Options{Stdout: &out, Stderr: &out})
	defer rt.Close()
	err := rt.RunString(context.Background(), "s.lua", script, nil)
	return out.String(), err
}

// TestBccLuaScriptRefused: a script for BCC's bcc-lua returns a
// function and runs nothing itself; it must fail at that line, not end
// with status 0 having done nothing.
func TestBccLuaScriptRefused(t *testing.T) {
	_, err := runQuiet(t, "local text = [[int count(void *ctx) { return 0; }]]\nreturn function(BPF)\n  local b = BPF:new{text=text}\nend\n")
	if err == nil {
		t.Fatal("script ran, want an error")
	}
	got := source.Detail(err)
	if !strings.HasPrefix(got, "s.lua:2: the script returns a function, as scripts for BCC's bcc-lua do") || !strings.HasSuffix(got, "\n    return function(BPF)") {
		t.Errorf("error:\n%s", got)
	}
	// Returning something else, or a function from another chunk, is fine.
	for _, s := range []string{"return 1", "return print", "return"} {
		if _, err := runQuiet(t, s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// TestProgramObjectIsTable: what bpf(fn) returns is a table with pc, as
// the original's compiled programs are, the same object each time a
// program is returned, and it prints as a program.
func TestProgramObjectIsTable(t *testing.T) {
	out, err := runQuiet(t, `local bpf = require('bpf')
local p = bpf(function (skb) return 1 end)
print(type(p), p.pc, p.name, p.fd, tostring(p))
print(bpf.dump_string(p) == bpf.dump_string(p), #bpf.dump_string(p) > 0)
print(bpf.dump_string(p, 1, true))`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	if want := "table\t2\tfn_2\tnil\tbpf program<fn_2, 2 instructions>\ntrue\ttrue\nr0 = 1\t; s.lua:2\nexit\n\n"; out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestSyscallMapConstants: S.c.BPF_MAP and S.c.BPF_PROG, as ljsyscall
// has them, in any case.
func TestSyscallMapConstants(t *testing.T) {
	out, err := runQuiet(t, `local S = require('syscall')
print(S.c.BPF_MAP.HASH, S.c.BPF_MAP.array, S.c.BPF_MAP['perf_event_array'], S.c.BPF_MAP.nosuch)
print(S.c.BPF_PROG.SOCKET_FILTER, S.c.BPF_PROG.tracepoint)`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	if want := "1\t2\t4\tnil\n1\t5\n"; out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestTableStandingForMap: the original's tests give kernel functions
// plain tables with __map set instead of maps; they compile as a map of
// that description.
func TestTableStandingForMap(t *testing.T) {
	out, err := runQuiet(t, `local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')
local mock = {__map = true, max_entries = 16, key_type = ffi.typeof('uint64_t [1]'), val_type = ffi.typeof('uint64_t [1]'), fd = 1}
local arr = {__map = true, map_type = S.c.BPF_MAP.array, key_type = ffi.typeof('uint32_t'), val_type = ffi.typeof('uint32_t')}
local code = bpf(function ()
	local proto = pkt.ip.proto
	xadd(mock[proto], 1)
	local v = arr[0]
	if v then xadd(v, 1) else arr[0] = 5 end
end)
print(type(code), code.pc > 10)`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	if out != "table\ttrue\n" {
		t.Errorf("printed %q", out)
	}
	_, err = runQuiet(t, `local bpf = require('bpf')
local bad = {__map = true, key_type = 42}
bpf(function () return bad[0] end)`)
	if err == nil || !strings.Contains(err.Error(), "key_type must be a ctype") {
		t.Errorf("error %v, want one about key_type", err)
	}
}

// TestELFModule: require('bpf.elf') as the original's elf spec uses it.
// /bin/sh imports malloc; resolve finds it in the C library.
func TestELFModule(t *testing.T) {
	out, err := runQuiet(t, `local elf = require('bpf.elf')
local sh = elf.open('/bin/sh')
local addr, file = sh:resolve('malloc')
print(type(sh:loadaddr()), type(addr), addr > 0, file:match('libc') ~= nil)
print(sh:resolve('thisnotexists'))
print(elf.open(nil))
print(elf.open('/tmp'):loadaddr())
print(sh:resolve('^mallo[c]$', true) == addr, (sh:resolve('^thisnot', true)))`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	want := "number\tnumber\ttrue\ttrue\n" +
		"nil\tno symbol 'thisnotexists' in /bin/sh or the libraries it needs\n" +
		"nil\telf.open: the path must be a string, not nil\n" +
		"nil\t/tmp is not an ELF file with a loadable segment\n" +
		"true\tnil\n"
	if out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestLJBytecodeRefused: the original's LuaJIT bytecode decoder has no
// meaning on gopher-lua; requiring it says so at the require's line.
func TestLJBytecodeRefused(t *testing.T) {
	_, err := runQuiet(t, "local x = 1\nlocal bc = require('bpf.ljbytecode')\n")
	if err == nil || !strings.Contains(err.Error(), "s.lua:2:") || !strings.Contains(err.Error(), "LuaJIT bytecode") {
		t.Errorf("error %v, want one at s.lua:2 naming LuaJIT bytecode", err)
	}
}

// TestSyscallABI: syscall.abi as ljsyscall has it, which scripts read
// for the architecture.
func TestSyscallABI(t *testing.T) {
	out, err := runQuiet(t, "local S = require('syscall')\nprint(S.abi.arch ~= nil, S.abi.os, S.abi.le ~= S.abi.be)")
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	if out != "true\tlinux\ttrue\n" {
		t.Errorf("printed %q", out)
	}
}

// TestProgramInsn: prog.insn holds the instructions as struct bpf_insn
// cdata, the script's own declaration when it made one, as the
// original's spec helper does.
func TestProgramInsn(t *testing.T) {
	out, err := runQuiet(t, `local ffi = require('ffi')
local bpf = require('bpf')
local p = bpf(function (skb) return 5 end)
local last = p.insn[p.pc - 1]
print(ffi.sizeof(p.insn) / 8 == p.pc, p.insn[0].code, p.insn[0].dst_reg, p.insn[0].imm, last.code)
ffi.cdef('struct bpf_insn { uint8_t code; uint8_t dst_reg:4; uint8_t src_reg:4; uint16_t off; uint32_t imm; };')
local q = bpf(function (skb) return -1 end)
print(tostring(q.insn):match('^cdata<struct bpf_insn %[2%]>') ~= nil, q.insn[0].imm)`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	// mov r0, 5 (0xb7) then exit (0x95); -1 as the declared uint32_t.
	if want := "true\t183\t0\t5\t149\ntrue\t4294967295\n"; out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}
