package passes

import (
	"math"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

// interpret interprets a single-block function whose input is the packet
// byte(s) it loads (input, cut to the load's width), computing each op as
// eval does, that is as the BPF machine does.
func interpret(t *testing.T, f *ir.Func, input int64) int64 {
	t.Helper()
	val := map[*ir.Value]int64{}
	b := f.Entry()
	for _, v := range b.Values {
		switch v.Op {
		case ir.OpArg:
		case ir.OpConst:
			val[v] = v.AuxInt
		case ir.OpCopy:
			val[v] = val[v.Args[0]]
		case ir.OpLoadSkbAbs:
			val[v] = int64(uint64(input) & (1<<(8*v.Type.Size) - 1))
		default:
			var x, y int64
			x = val[v.Args[0]]
			if len(v.Args) > 1 {
				y = val[v.Args[1]]
			}
			r, ok := eval(v.Op, x, y)
			if !ok {
				t.Fatalf("cannot interpret %v", v.LongString())
			}
			val[v] = r
		}
	}
	if b.Kind != ir.BlockRet {
		t.Fatalf("not a single block:\n%s", f)
	}
	return val[b.Control]
}

// opsUnderTest are the binary ops constfold rewrites.
var opsUnderTest = []ir.Op{
	ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpSDiv, ir.OpMod, ir.OpSMod,
	ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpLsh, ir.OpRsh, ir.OpArsh,
	ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe,
	ir.OpSLt, ir.OpSLe, ir.OpSGt, ir.OpSGe, ir.OpTst,
}

// chain builds `ret (x op1 c1) op2 c2` with x a packet load of width
// size bytes.
func chain(size uint8, op1 ir.Op, c1 int64, op2 ir.Op, c2 int64) *ir.Func {
	f := ir.NewFunc("f", "")
	b := f.Entry()
	b.Kind = ir.BlockRet
	ctx := b.NewValue(ir.OpArg, ir.Ptr(ir.SpaceCtx), 0)
	x := b.NewValue(ir.OpLoadSkbAbs, ir.Int(int(size), false), 0, ctx)
	typ := func(op ir.Op) ir.Type {
		if op.IsCompare() {
			return ir.Bool
		}
		return ir.I64
	}
	v1 := b.NewValue(op1, typ(op1), 0, x, b.NewConst(ir.I64, c1, 0))
	v2 := b.NewValue(op2, typ(op2), 0, v1, b.NewConst(ir.I64, c2, 0))
	b.SetControl(v2)
	return f
}

// TestConstfoldAgreesWithEval folds every pair of ops over a run-time
// value and constants and checks that the folded function computes what
// the unfolded one does, for inputs around the edges of each width.
// It covers the rules for comparisons of comparisons (bug: `(x > 5) >= 0`
// became `x <= 5`), shift counts of 64 or more (taken modulo 64),
// chains of shifts whose counts overflow, and division by zero.
func TestConstfoldAgreesWithEval(t *testing.T) {
	consts := []int64{-1, 0, 1, 2, 5, 63, 64, 65, 255, 1 << 40, math.MaxInt64, math.MinInt64}
	inputs := []int64{0, 1, 2, 5, 6, 63, 64, 255, 256, 65535, math.MaxUint32}
	failures := 0
	for _, size := range []uint8{1, 4} {
		for _, op1 := range opsUnderTest {
			for _, op2 := range opsUnderTest {
				for _, c1 := range consts {
					for _, c2 := range consts {
						before := chain(size, op1, c1, op2, c2)
						after := chain(size, op1, c1, op2, c2)
						constfold(after)
						copyprop(after)
						dce(after)
						if err := ir.Verify(after); err != nil {
							t.Fatalf("%v\n%s", err, after)
						}
						for _, in := range inputs {
							want, got := interpret(t, before, in), interpret(t, after, in)
							if got != want {
								failures++
								if failures <= 20 {
									t.Errorf("x = %d (u%d): (x %v %d) %v %d gives %d, folded %d:\n%s", in&(1<<(8*size)-1), 8*size, op1, c1, op2, c2, want, got, after)
								}
								break
							}
						}
					}
				}
			}
		}
	}
	if failures > 20 {
		t.Errorf("%d folds in all disagree", failures)
	}
}
