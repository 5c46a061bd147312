package passes

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

func opNamed(t *testing.T, name string) ir.Op {
	f, err := ir.Parse("func f\nb0:\n  v0 = Const <i64> [1]\n  v1 = " + name + " <i64> v0 v0\n  Ret v0\n")
	if err != nil {
		t.Fatal(err)
	}
	return f.Blocks[0].Values[1].Op
}

func TestBranchfoldAndMergeReturns(t *testing.T) {
	src := `func f
b0:
  v0 = Const <bool> [1]
  If v0 -> b1 b2
b1: <- b0
  v1 = Const <i64> [0]
  Ret v1
b2: <- b0
  v2 = Const <i64> [0]
  Ret v2
`
	checkText(t, runPass(t, src, branchfold, blockmerge, dce), `func f
b0:
  v1 = Const <i64> [0]
  Ret v1
`)
}

func TestBlockmergeSharesConstantReturns(t *testing.T) {
	src := `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [17]
  v3 = Eq <bool> v1 v2
  If v3 -> b1 b2
b1: <- b0
  v4 = Const <i64> [0]
  Ret v4
b2: <- b0
  v5 = Const <i64> [6]
  v6 = Eq <bool> v1 v5
  If v6 -> b3 b4
b3: <- b2
  v7 = Const <i64> [0]
  Ret v7
b4: <- b2
  Ret v1
`
	got := runPass(t, src, blockmerge)
	f, _ := ir.Parse(got)
	rets := 0
	for _, b := range f.Blocks {
		if b.Kind == ir.BlockRet {
			rets++
		}
	}
	if rets != 2 {
		t.Errorf("%d return blocks, want 2 (one shared 'return 0'):\n%s", rets, got)
	}
}

// Merging two returns of the same constant turns the branch into a jump;
// its condition must go too (the pipeline runs dce after blockmerge for
// it), or it reaches emission without a register.
func TestBlockmergeDropsConditionOfMergedReturns(t *testing.T) {
	src := `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = LoadSkbAbs <u8> [24] v0
  v3 = Gt <bool> v1 v2
  If v3 -> b1 b2
b1: <- b0
  v4 = Const <i64> [1]
  Ret v4
b2: <- b0
  v5 = Const <i64> [1]
  Ret v5
`
	got := runPipeline(t, src, &Config{Verify: true})
	if strings.Contains(got, "Gt") {
		t.Errorf("the unused condition survived:\n%s", got)
	}
}
