package pipeline

import (
	"fmt"
	"testing"

	"github.com/luabpf/luabpf/internal/disasm"
	"github.com/luabpf/luabpf/internal/golden"
)

// Compiling the same function must give the same instructions every time
// (register allocation walked Go maps, whose order changes from run to
// run). Each corpus program compiles 20 times, optimised and not.
func TestCompileIsDeterministic(t *testing.T) {
	for _, c := range loadCorpus(t) {
		if c.errMsg != "" {
			continue
		}
		for _, noOpt := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/noopt=%v", c.name, noOpt), func(t *testing.T) {
				fn, err := parseFirst(c.name+".lua", c.src)
				if err != nil {
					t.Fatal(err)
				}
				var first string
				for run := range 20 {
					res, err := Compile(fn, &Options{Kind: c.kind, Tracepoint: c.tp, Env: c.env, NoOptimize: noOpt, Debug: true})
					if err != nil {
						t.Fatal(err)
					}
					got := disasm.Format(res.Insns, nil)
					for _, ins := range res.Insns {
						got += fmt.Sprintf("%v %q %q %v\n", ins, ins.Symbol(), ins.Reference(), ins.Source())
					}
					if run == 0 {
						first = got
					} else if got != first {
						t.Fatalf("compilation %d differs from the first:\n%s", run, golden.Diff(first, got))
					}
				}
			})
		}
	}
}
