package runtime

import (
	"context"
	"testing"

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
