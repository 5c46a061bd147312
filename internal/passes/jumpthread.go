package passes

import "github.com/luabpf/luabpf/internal/ir"

// jumpthread sends an edge into a block that only decides a branch
// straight to the side the branch takes when the values arriving along
// that edge already decide it. The block must compute nothing used
// outside it and write nothing, so skipping it on that edge changes
// nothing else.
//
// Direct packet reads need it: a read past the packet gives 0 through a
// phi in the block that then tests the value (irgen's pkt_direct.go), so
// `if pkt.ip.proto == 17` reaches its false side from the bounds check
// at once, as the C a programmer writes does, and the code after the
// test is dominated by the check, which lets boundselim drop the checks
// it implies.
func jumpthread(f *ir.Func) {
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			if threadInto(b) {
				changed = true
			}
		}
		if changed {
			f.RemoveUnreachable()
		}
	}
}

// threadInto threads the edges into j it can, and reports whether it
// threaded any.
func threadInto(j *ir.Block) bool {
	if j.Kind != ir.BlockIf || len(j.Preds) < 2 || !selfContained(j) {
		return false
	}
	threaded := false
	for i := 0; i < len(j.Preds); i++ {
		p := j.Preds[i]
		known := evalAlong(j, i)
		c, ok := known[j.Control]
		if !ok {
			c, ok = j.Control.IsConst()
		}
		if !ok {
			continue
		}
		t := j.Succs[1]
		if c != 0 {
			t = j.Succs[0]
		}
		if redirect(p, j, t, i, known) {
			threaded = true
			i-- // p's edge is gone from j.Preds
		}
	}
	return threaded
}

// selfContained reports whether j writes nothing and every value it
// defines is used only in j.
func selfContained(j *ir.Block) bool {
	inside := map[*ir.Value]int{}
	for _, v := range j.Values {
		if v.Op.Effect() == ir.WritesMem {
			return false
		}
		for _, a := range v.Args {
			if a.Block == j {
				inside[a]++
			}
		}
	}
	if c := j.Control; c.Block == j {
		inside[c]++
	}
	for _, v := range j.Values {
		if v.Uses != inside[v] {
			return false
		}
	}
	return true
}

// evalAlong computes the values of j that are constants when j is
// entered from its predecessor number i.
func evalAlong(j *ir.Block, i int) map[*ir.Value]int64 {
	known := map[*ir.Value]int64{}
	get := func(a *ir.Value) (int64, bool) {
		if c, ok := known[a]; ok {
			return c, true
		}
		return a.IsConst()
	}
	for _, v := range j.Values {
		if v.Op == ir.OpPhi {
			if c, ok := v.Args[i].IsConst(); ok {
				known[v] = c
			}
			continue
		}
		if v.Op.Effect() != ir.Pure || len(v.Args) == 0 || len(v.Args) > 2 {
			continue
		}
		a, ok := get(v.Args[0])
		if !ok {
			continue
		}
		var b int64
		if len(v.Args) == 2 {
			if b, ok = get(v.Args[1]); !ok {
				continue
			}
		}
		if r, ok := eval(v.Op, a, b); ok {
			known[v] = r
		}
	}
	return known
}

// redirect makes p's edge to j (p is j's predecessor number i) go to t
// instead, giving t's phis the values they would have had through j.
func redirect(p, j, t *ir.Block, i int, known map[*ir.Value]int64) bool {
	if t == j || j.PredIndex(p) != i || countSuccs(p, j) != 1 {
		return false
	}
	ti := t.PredIndex(j)
	var args []*ir.Value
	for _, v := range t.Values {
		if v.Op != ir.OpPhi {
			break
		}
		if t.PredIndex(p) >= 0 {
			return false // p would reach t twice, with two phi arguments
		}
		a := v.Args[ti]
		switch {
		case a.Block != j:
		case a.Op == ir.OpPhi:
			a = a.Args[i]
		default:
			c, ok := known[a]
			if !ok {
				return false
			}
			a = p.NewConst(a.Type, c, p.Line)
		}
		args = append(args, a)
	}
	p.ReplaceSucc(j, t)
	for k, a := range args {
		t.Values[k].AddArg(a)
	}
	return true
}

// countSuccs counts p's edges to j.
func countSuccs(p, j *ir.Block) int {
	n := 0
	for _, s := range p.Succs {
		if s == j {
			n++
		}
	}
	return n
}
