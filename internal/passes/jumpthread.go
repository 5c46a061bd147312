package passes

import "github.com/luabpf/luabpf/internal/ir"

// jumpthread sends an edge into a block that decides a branch straight
// to the side the branch takes when what is known on that edge already
// decides it: the values its phis get along the edge, and the outcome of
// the branches that lead to the edge. The block writes nothing, and its
// values are used in it or only past its other side, so skipping it on
// that edge changes nothing else.
//
// Direct packet access needs it: a read past the packet gives 0 through
// a phi in the block that then tests the value (irgen's pkt_direct.go),
// so `if pkt.ip.proto == 17` reaches its false side from the bounds
// check at once, as the C a programmer writes does; and a write after a
// read of the same header (ip.ttl = ip.ttl - 1) repeats the read's check,
// which is known to fail on the read's miss path. What follows is then
// dominated by the check, which lets boundselim drop the checks it
// implies.
func jumpthread(f *ir.Func) {
	// Each threaded block changes the dominator tree the next decision
	// reads: compute it again, a bounded number of times.
	for rounds := 4*len(f.Blocks) + 8; rounds > 0; rounds-- {
		dom := f.Dominators()
		changed := false
		for _, b := range f.Blocks {
			if threadInto(b, dom) {
				changed = true
				break
			}
		}
		if !changed {
			return
		}
		f.RemoveUnreachable()
	}
}

// threadInto threads the edges into j it can, and reports whether it
// threaded any.
func threadInto(j *ir.Block, dom *ir.DomTree) bool {
	if j.Kind != ir.BlockIf || len(j.Preds) < 2 || !writesNothing(j) {
		return false
	}
	threaded := false
	for i := 0; i < len(j.Preds); i++ {
		p := j.Preds[i]
		known := evalAlong(j, i, edgeFacts(p, j, dom))
		c, ok := known[j.Control]
		if !ok {
			c, ok = j.Control.IsConst()
		}
		if !ok {
			continue
		}
		t, other := j.Succs[1], j.Succs[0]
		if c != 0 {
			t, other = other, t
		}
		if !usedBefore(j, t, other, dom) {
			continue
		}
		hoistConstants(j, dom)
		if redirect(p, j, t, i, known) {
			threaded = true
			i-- // p's edge is gone from j.Preds
		}
	}
	return threaded
}

// writesNothing reports whether j has no value that writes memory or
// calls out.
func writesNothing(j *ir.Block) bool {
	for _, v := range j.Values {
		if v.Op.Effect() == ir.WritesMem {
			return false
		}
	}
	return true
}

// usedBefore reports whether every value j defines is used only in j,
// in phis of j's successors on the edges from j (redirect gives those
// their value along the threaded edge), or in blocks other (j's side not
// taken) dominates when j is its only predecessor: none of those is
// reached through the threaded edge.
func usedBefore(j, t, other *ir.Block, dom *ir.DomTree) bool {
	defined := map[*ir.Value]bool{}
	for _, v := range j.Values {
		// Constants used elsewhere move out of j first (hoistConstants).
		defined[v] = v.Op != ir.OpConst
	}
	past := func(b *ir.Block) bool {
		return other != j && other != t && len(other.Preds) == 1 && dom.Dominates(other, b)
	}
	for _, b := range j.Func.Blocks {
		for _, v := range b.Values {
			for k, a := range v.Args {
				if !defined[a] || b == j {
					continue
				}
				if v.Op == ir.OpPhi && b.Preds[k] == j {
					continue
				}
				if !past(b) {
					return false
				}
			}
		}
		if c := b.Control; c != nil && defined[c] && b != j && !past(b) {
			return false
		}
	}
	return true
}

// hoistConstants moves the constants of j that are used outside it to
// j's immediate dominator, which every path to those uses still passes
// when an edge into j goes elsewhere.
func hoistConstants(j *ir.Block, dom *ir.DomTree) {
	up := dom.Idom(j)
	if up == nil {
		return
	}
	inside := map[*ir.Value]int{}
	for _, v := range j.Values {
		for _, a := range v.Args {
			inside[a]++
		}
	}
	if j.Control != nil {
		inside[j.Control]++
	}
	kept := j.Values[:0]
	for _, v := range j.Values {
		if v.Op == ir.OpConst && v.Uses > inside[v] {
			v.Block = up
			up.Values = append(up.Values, v)
			continue
		}
		kept = append(kept, v)
	}
	for i := len(kept); i < len(j.Values); i++ {
		j.Values[i] = nil
	}
	j.Values = kept
}

// edgeFacts are the outcomes of the branches that every path into p
// passes, and of p's own branch to j: a branch's control is true on the
// side of its true successor.
func edgeFacts(p, j *ir.Block, dom *ir.DomTree) map[*ir.Value]int64 {
	facts := map[*ir.Value]int64{}
	if p.Kind == ir.BlockIf && p.Succs[0] != p.Succs[1] {
		facts[p.Control] = b2i(p.Succs[0] == j)
	}
	for a := p; a != nil; a = dom.Idom(a) {
		if len(a.Preds) != 1 {
			continue
		}
		q := a.Preds[0]
		if q.Kind != ir.BlockIf || q.Succs[0] == q.Succs[1] {
			continue
		}
		if _, ok := facts[q.Control]; !ok {
			facts[q.Control] = b2i(q.Succs[0] == a)
		}
	}
	return facts
}

// evalAlong computes the values of j that are constants when j is
// entered from its predecessor number i, where facts hold.
func evalAlong(j *ir.Block, i int, facts map[*ir.Value]int64) map[*ir.Value]int64 {
	known := map[*ir.Value]int64{}
	get := func(a *ir.Value) (int64, bool) {
		if c, ok := known[a]; ok {
			return c, true
		}
		if c, ok := facts[a]; ok {
			return c, true
		}
		return a.IsConst()
	}
	for _, v := range j.Values {
		if v.Op == ir.OpPhi {
			if c, ok := get(v.Args[i]); ok {
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
	if c, ok := get(j.Control); ok {
		known[j.Control] = c
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
