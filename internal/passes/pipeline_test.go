package passes

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

// TestPipelineOrder checks the constraints of Order and Cleanups against
// Pipeline: every run of an Order's After has a run of its Before
// earlier, and every run of a Cleanup's Pass has a run of its Then later.
func TestPipelineOrder(t *testing.T) {
	runs := func(name string) []int {
		var at []int
		for i, p := range Pipeline {
			if p.Name == name {
				at = append(at, i)
			}
		}
		return at
	}
	for _, o := range Order {
		before, after := runs(o.Before), runs(o.After)
		if len(before) == 0 || len(after) == 0 {
			t.Errorf("constraint %s < %s names a pass not in the pipeline", o.Before, o.After)
			continue
		}
		if after[0] < before[0] {
			t.Errorf("%s runs before %s, but %s", o.After, o.Before, o.Why)
		}
	}
	for _, c := range Cleanups {
		pass, then := runs(c.Pass), runs(c.Then)
		if len(pass) == 0 || len(then) == 0 {
			t.Errorf("cleanup %s then %s names a pass not in the pipeline", c.Pass, c.Then)
			continue
		}
		if last := pass[len(pass)-1]; then[len(then)-1] < last {
			t.Errorf("nothing runs %s after the %s at position %d, but %s", c.Then, c.Pass, last, c.Why)
		}
	}
}

// TestRunRunsEveryPassOnce checks that Run calls each pipeline entry
// once, in order, and only the required ones when not optimising: the
// dump after each pass is the record of what ran.
func TestRunRunsEveryPassOnce(t *testing.T) {
	src := "func f\nb0:\n  v0 = Const <i64> [0]\n  Ret v0\n"
	for _, opt := range []bool{true, false} {
		var ran []string
		runPipeline(t, src, &Config{Optimize: opt, Verify: true, Dump: func(name string, _ *ir.Func) { ran = append(ran, name) }})
		var want []string
		for _, p := range Pipeline {
			if opt || p.Required {
				want = append(want, p.Name)
			}
		}
		if strings.Join(ran, " ") != strings.Join(want, " ") {
			t.Errorf("optimize=%v ran %v, want %v", opt, ran, want)
		}
	}
}
