package regalloc

import (
	"math/rand"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
)

// pressureGen builds functions that keep more values alive than there
// are registers, across if/else joins where several variables change
// (so each join has several phis), packet loads and helper calls (which
// clobber R0-R5): the allocator has to spill around phis.
type pressureGen struct {
	r    *rand.Rand
	f    *ir.Func
	ctx  *ir.Value
	vars []*ir.Value // current value of each variable
}

func (g *pressureGen) operand(b *ir.Block) *ir.Value {
	if g.r.Intn(5) == 0 {
		return b.NewConst(ir.I64, int64(g.r.Intn(1000))-500, 0)
	}
	return g.vars[g.r.Intn(len(g.vars))]
}

// step appends one value to b and makes it a variable's new value.
func (g *pressureGen) step(b *ir.Block) {
	var v *ir.Value
	switch g.r.Intn(8) {
	case 0:
		v = b.NewValue(ir.OpLoadSkbAbs, ir.U8, 0, g.ctx)
		v.AuxInt = int64(g.r.Intn(40))
	case 1:
		v = b.NewValue(ir.OpCall, ir.U64, 0)
		v.Aux = asm.FnKtimeGetNs
	default:
		ops := []ir.Op{ir.OpAdd, ir.OpSub, ir.OpXor, ir.OpAnd, ir.OpOr, ir.OpMul, ir.OpLsh}
		op := ops[g.r.Intn(len(ops))]
		x, y := g.vars[g.r.Intn(len(g.vars))], g.operand(b)
		if op == ir.OpLsh {
			y = b.NewConst(ir.I64, int64(g.r.Intn(8)), 0)
		}
		v = b.NewValue(op, ir.I64, 0, x, y)
	}
	g.vars[g.r.Intn(len(g.vars))] = v
}

// diamond ends b with an if/else whose arms change some variables and
// returns the join block, which starts with a phi per changed variable.
func (g *pressureGen) diamond(b *ir.Block, depth int) *ir.Block {
	cond := b.NewValue([]ir.Op{ir.OpLt, ir.OpEq, ir.OpSGt}[g.r.Intn(3)], ir.Bool, 0, g.vars[g.r.Intn(len(g.vars))], g.operand(b))
	b.Kind = ir.BlockIf
	b.SetControl(cond)
	before := append([]*ir.Value(nil), g.vars...)
	arms := [2]*ir.Block{}
	ends := [2][]*ir.Value{}
	for i := range arms {
		g.vars = append([]*ir.Value(nil), before...)
		arm := g.f.NewBlock(ir.BlockPlain)
		b.AddEdge(arm)
		arms[i] = g.body(arm, depth-1)
		ends[i] = g.vars
	}
	join := g.f.NewBlock(ir.BlockPlain)
	arms[0].AddEdge(join)
	arms[1].AddEdge(join)
	g.vars = make([]*ir.Value, len(before))
	for k := range before {
		if ends[0][k] == ends[1][k] {
			g.vars[k] = ends[0][k]
			continue
		}
		g.vars[k] = join.NewValue(ir.OpPhi, ir.I64, 0, ends[0][k], ends[1][k])
	}
	return join
}

// body fills b with steps and diamonds and returns the block it ends in.
func (g *pressureGen) body(b *ir.Block, depth int) *ir.Block {
	for range 1 + g.r.Intn(4) {
		if depth > 0 && g.r.Intn(3) == 0 {
			b = g.diamond(b, depth)
			continue
		}
		g.step(b)
	}
	return b
}

// pressureFunc returns a random function with nvars variables alive from
// start to end.
func pressureFunc(seed int64, nvars int) *ir.Func {
	g := &pressureGen{r: rand.New(rand.NewSource(seed)), f: ir.NewFunc("f", "")}
	b := g.f.Entry()
	g.ctx = b.NewValue(ir.OpArg, ir.Ptr(ir.SpaceCtx), 0)
	for k := range nvars {
		v := b.NewValue(ir.OpLoadSkbAbs, ir.U8, 0, g.ctx)
		v.AuxInt = int64(k)
		g.vars = append(g.vars, v)
	}
	b = g.body(b, 3)
	b = g.diamond(b, 2)
	sum := g.vars[0]
	for _, v := range g.vars[1:] {
		sum = b.NewValue(ir.OpAdd, ir.I64, 0, sum, v)
	}
	b.Kind = ir.BlockRet
	b.SetControl(sum)
	return g.f
}

// TestAllocationUnderPressure allocates many functions that need spills
// around joins with several phis and checks each allocation the way the
// machine runs it (Check). Phi arguments were not live at the end of
// their predecessor, so a spill reload or another argument's copy could
// take the register of a copy a phi still had to read.
func TestAllocationUnderPressure(t *testing.T) {
	for seed := int64(0); seed < 300; seed++ {
		for _, nvars := range []int{6, 11, 14} {
			f := pressureFunc(seed, nvars)
			if err := ir.Verify(f); err != nil {
				t.Fatalf("seed %d: generated function does not verify: %v\n%s", seed, err, f)
			}
			if err := Allocate(f); err != nil {
				t.Errorf("seed %d, %d variables: %v", seed, nvars, err)
				continue
			}
			if err := ir.Verify(f); err != nil {
				t.Fatalf("seed %d, %d variables: %v\n%s", seed, nvars, err, f)
			}
			if err := Check(f); err != nil {
				t.Errorf("seed %d, %d variables: %v\n%s", seed, nvars, err, f)
			}
		}
	}
}

// Allocation used to walk Go maps (interference sets), so one function
// got different registers from run to run and now and then did not
// converge. The same input must give the same allocation every time.
func TestAllocationIsDeterministic(t *testing.T) {
	for seed := int64(0); seed < 20; seed++ {
		var first string
		for run := range 20 {
			f := pressureFunc(seed, 12)
			if err := Allocate(f); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			got := f.String()
			if run == 0 {
				first = got
			} else if got != first {
				t.Fatalf("seed %d: allocation %d differs from the first:\n%s\nfirst:\n%s", seed, run, got, first)
			}
		}
	}
}
