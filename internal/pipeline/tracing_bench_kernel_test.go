package pipeline

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// BenchmarkSeedTracing reports, for the kernel function of the seed's
// tracepoint example, compile time, instruction slots beside clang -O2's
// for the same logic in C (../shared/targets: 70; the original cannot
// compile it) and the instructions the verifier processed. Tracepoint
// programs cannot be test-run, so there is no time per run.
func BenchmarkSeedTracing(b *testing.B) {
	var c *corpusCase
	for _, cc := range loadCorpus(b) {
		if cc.name == "tracepoint_offcputime" {
			c = cc
		}
	}
	b.Run("tracepoint-offcputime/compile", func(b *testing.B) {
		fn, err := parseFirst(c.file, c.src)
		if err != nil {
			b.Fatal(err)
		}
		var res *Result
		for b.Loop() {
			if res, err = Compile(fn, &Options{Kind: c.kind, Tracepoint: c.tp, Env: c.env}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(res.Slots()), "insns")
		b.ReportMetric(70, "clang-O2")
	})
	b.Run("tracepoint-offcputime/verify", func(b *testing.B) {
		kerneltest.Require(b)
		res, _, err := c.compile(b)
		if err != nil {
			b.Fatal(err)
		}
		prog := loadCase(b, c, res)
		info, err := prog.Info()
		if err != nil {
			b.Fatal(err)
		}
		n, _ := info.VerifiedInstructions()
		for b.Loop() {
		}
		b.ReportMetric(float64(n), "verified")
	})
}
