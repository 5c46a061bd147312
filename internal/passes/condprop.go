package passes

import "github.com/luabpf/luabpf/internal/ir"

// A fact is what an edge out of an If block guarantees: x == c (eq) or
// x != c (!eq).
type fact struct {
	x  *ir.Value
	c  int64
	eq bool
}

// condprop uses the outcome of a branch inside the code it guards: a
// second test of the same value against the same constant is decided, and
// a load-or-zero through a pointer already checked non-null becomes a
// plain load. This is what removes repeated null checks of one map
// lookup ("null check emitted once").
func condprop(f *ir.Func) {
	dom := f.Dominators()
	var facts []fact
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		n := len(facts)
		if len(b.Preds) == 1 {
			if fc, ok := edgeFact(b.Preds[0], b); ok {
				facts = append(facts, fc)
			}
		}
		for _, v := range b.Values {
			if v.Op == ir.OpLoadOrZero && known(facts, v.Args[0], 0) == 0 {
				v.Op = ir.OpLoad
			}
			if v.Op.IsCompare() {
				decide(v, facts)
			}
		}
		// A branch on a test made earlier (CSE may have merged the two
		// tests into one value) is decided by the facts here too.
		if c := b.Control; b.Kind == ir.BlockIf && c.Block != b {
			if r, ok := settle(c, facts); ok {
				b.SetControl(b.NewConst(ir.Bool, r, b.Line))
			}
		}
		for _, c := range dom.Children(b) {
			walk(c)
		}
		facts = facts[:n]
	}
	walk(f.Entry())
}

// edgeFact returns what taking the edge p→b says, if p is an If on an
// equality with a constant.
func edgeFact(p, b *ir.Block) (fact, bool) {
	if p.Kind != ir.BlockIf || p.Succs[0] == p.Succs[1] {
		return fact{}, false
	}
	c := p.Control
	if c.Op != ir.OpEq && c.Op != ir.OpNe {
		return fact{}, false
	}
	k, ok := c.Args[1].IsConst()
	if !ok {
		return fact{}, false
	}
	taken := p.Succs[0] == b
	return fact{x: c.Args[0], c: k, eq: (c.Op == ir.OpEq) == taken}, true
}

// known returns 1 if the facts prove x == c, 0 if they prove x != c, and
// -1 if they say nothing.
func known(facts []fact, x *ir.Value, c int64) int {
	for _, fc := range facts {
		if fc.x != x {
			continue
		}
		switch {
		case fc.eq && fc.c == c:
			return 1
		case fc.eq && fc.c != c, !fc.eq && fc.c == c:
			return 0
		}
	}
	// Map lookups known non-null by type.
	if c == 0 && x.Type.IsPtr() && !x.Type.MaybeNull {
		return 0
	}
	return -1
}

// decide folds an equality test the facts settle, when the test is
// made here (so the facts hold for all its uses).
func decide(v *ir.Value, facts []fact) {
	if r, ok := settle(v, facts); ok {
		toConst(v, r)
	}
}

// settle returns the outcome of equality test v if the facts fix it.
func settle(v *ir.Value, facts []fact) (int64, bool) {
	if v.Op != ir.OpEq && v.Op != ir.OpNe {
		return 0, false
	}
	c, ok := v.Args[1].IsConst()
	if !ok {
		return 0, false
	}
	switch known(facts, v.Args[0], c) {
	case 1:
		return b2i(v.Op == ir.OpEq), true
	case 0:
		return b2i(v.Op == ir.OpNe), true
	}
	return 0, false
}
