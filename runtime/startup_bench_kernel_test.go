package runtime

import (
	"context"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The whole of a script's start-up as `luabpf run` goes through it, up to
// the moment its program is attached, in one process (so warm: the
// cold-start costs of a new process, page faults and package init, are
// not in these figures; /work/shared/bench/latency measures those).
// Detaching, which takes the kernel 50-90 ms for a system call
// tracepoint, is left out of the time.

func benchmarkRun(b *testing.B, script string) {
	kerneltest.Require(b)
	for b.Loop() {
		rt := New(nil)
		if err := rt.RunString(context.Background(), "bench.lua", script, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := rt.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkRunTracepointScript makes the map, reads the tracepoint's
// format, compiles, loads and attaches the program.
func BenchmarkRunTracepointScript(b *testing.B) { benchmarkRun(b, firstHitScript) }

// BenchmarkRunSocketScript makes the map, compiles and loads the filter
// and opens a packet socket on lo with it.
func BenchmarkRunSocketScript(b *testing.B) { benchmarkRun(b, socketScript) }

// BenchmarkCompileTracepointScript runs the tracepoint script in Compile
// mode: what BenchmarkRunTracepointScript does but the kernel's part
// (the format is still read from tracefs).
func BenchmarkCompileTracepointScript(b *testing.B) {
	kerneltest.Require(b)
	for b.Loop() {
		rt := New(&Options{Mode: Compile})
		if err := rt.RunString(context.Background(), "bench.lua", firstHitScript, nil); err != nil {
			b.Fatal(err)
		}
		rt.Close()
	}
}

// BenchmarkLoadProgram measures the kernel's load of the tracepoint
// script's program (a 22-instruction socket filter here, as the same code
// compiles for either kind), as Program.load does it, and with what it
// leaves out or could leave out: the verifier log (LogLevelBranch) and
// the BTF line info.
func BenchmarkLoadProgram(b *testing.B) {
	kerneltest.Require(b)
	rt := New(nil)
	defer rt.Close()
	script := `local ffi = require('ffi')
local bpf = require('bpf')
local first = bpf.map('array', 1, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
prog = bpf(function (skb)
	if first[0] == 0 then
		first[0] = time()
	end
end)
`
	if err := rt.RunString(context.Background(), "bench.lua", script, nil); err != nil {
		b.Fatal(err)
	}
	p := rt.progs[0]
	spec, err := p.comp.KernelSpec()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range p.comp.Maps {
		m, err := rt.kernelMap(d)
		if err != nil {
			b.Fatal(err)
		}
		if err := spec.Instructions.AssociateMap(d.Name, m); err != nil {
			b.Fatal(err)
		}
	}
	noLines := spec.Copy()
	for i := range noLines.Instructions {
		noLines.Instructions[i] = noLines.Instructions[i].WithSource(nil)
	}
	load := func(b *testing.B, spec *ebpf.ProgramSpec, opts ebpf.ProgramOptions) {
		for b.Loop() {
			prog, err := ebpf.NewProgramWithOptions(spec, opts)
			if err != nil {
				b.Fatal(err)
			}
			prog.Close()
		}
	}
	b.Run("as-loaded", func(b *testing.B) { load(b, spec, ebpf.ProgramOptions{}) })
	b.Run("verifier-log", func(b *testing.B) { load(b, spec, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelBranch}) })
	b.Run("no-line-info", func(b *testing.B) { load(b, noLines, ebpf.ProgramOptions{}) })
}
