package runtime

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
)

// The stages of a script's start-up that run without the kernel, each
// on its own: making the VM with luabpf's modules, and parsing and
// loading a script. Run with -benchmem; the kernel stages are in
// startup_bench_kernel_test.go.

// firstHitScript is the start-up benchmark's tracepoint script without
// its polling loop: a map, and a program that stores the time of the
// first getpid.
const firstHitScript = `local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')
local first = bpf.map('array', 1, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if first[0] == 0 then
		first[0] = time()
	end
end)
`

// BenchmarkNewRuntime measures New: the Lua state, the standard
// libraries, ffi, bit, bpf and syscall.
func BenchmarkNewRuntime(b *testing.B) {
	for b.Loop() {
		New(nil).Close()
	}
}

// BenchmarkParseScript measures what RunString does before the script
// runs: the compiler's parse and the VM's load of the same text.
func BenchmarkParseScript(b *testing.B) {
	rt := New(nil)
	defer rt.Close()
	for b.Loop() {
		file, err := rt.opts.Compiler.Parse("bench.lua", firstHitScript)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rt.load(file); err != nil {
			b.Fatal(err)
		}
	}
}

// socketScript is the start-up benchmark's socket script without its
// polling loop.
const socketScript = `local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')
local first = bpf.map('array', 1, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf.socket('lo', function (skb)
	if first[0] == 0 then
		first[0] = time()
	end
end)
`

// BenchmarkCompileSocketScript runs socketScript in Compile mode: New,
// parse, load and the top level with its kernel function compiled, and
// nothing loaded into the kernel.
func BenchmarkCompileSocketScript(b *testing.B) {
	for b.Loop() {
		rt := New(&Options{Mode: Compile})
		if err := rt.RunString(context.Background(), "bench.lua", socketScript, nil); err != nil {
			b.Fatal(err)
		}
		rt.Close()
	}
}

// BenchmarkCompileFunction measures compiling the tracepoint script's
// kernel function alone (the compiler's pipeline with the runtime's
// view of the upvalues), on the format of syscalls/sys_enter_getpid
// that proto's tests keep.
func BenchmarkCompileFunction(b *testing.B) {
	text, err := os.ReadFile("../proto/testdata/tracepoint/syscalls__sys_enter_getpid.format")
	if err != nil {
		b.Fatal(err)
	}
	tp, err := proto.ParseFormat("syscalls/sys_enter_getpid", text, ctype.HostArch())
	if err != nil {
		b.Fatal(err)
	}
	rt := New(&Options{Mode: Compile})
	defer rt.Close()
	script := strings.Replace(firstHitScript, "bpf.tracepoint('syscalls/sys_enter_getpid', function", "prog = bpf(function", 1)
	if err := rt.RunString(context.Background(), "bench.lua", script, nil); err != nil {
		b.Fatal(err)
	}
	fn := rt.progs[0].fn
	for b.Loop() {
		rt.progs = rt.progs[:0]
		if _, err := rt.compile(fn, proto.Tracepoint, &value.CompileOptions{Tracepoint: tp}); err != nil {
			b.Fatal(err)
		}
	}
}
