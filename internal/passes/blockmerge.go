package passes

import "github.com/luabpf/luabpf/internal/ir"

// blockmerge merges a block into its only predecessor when that
// predecessor has no other successor, and routes jumps around empty
// blocks, so the emitter sees the fewest blocks and jumps. A branch
// whose two sides merged leaves its condition unused, for the dce run
// after it.
func blockmerge(f *ir.Func) {
	for changed := true; changed; {
		changed = mergeReturns(f)
		for _, b := range f.Blocks {
			if mergeSucc(f, b) || bypassEmpty(b) {
				changed = true
			}
		}
		if changed {
			f.RemoveUnreachable()
		}
	}
}

// mergeSucc appends b's successor c to b when b is c's only predecessor
// and c is b's only successor.
func mergeSucc(f *ir.Func, b *ir.Block) bool {
	if b.Kind != ir.BlockPlain || len(b.Succs) != 1 {
		return false
	}
	c := b.Succs[0]
	if c == b || len(c.Preds) != 1 || c == f.Entry() {
		return false
	}
	for _, v := range c.Values {
		if v.Op == ir.OpPhi {
			v.Op = ir.OpCopy // one predecessor: the phi is its argument
		}
		v.Block = b
		b.Values = append(b.Values, v)
	}
	c.Values = nil
	b.Kind, b.Line = c.Kind, c.Line
	b.Succs = nil
	for _, s := range c.Succs {
		s.Preds[s.PredIndex(c)] = b
		b.Succs = append(b.Succs, s)
	}
	b.SetControl(c.Control)
	c.SetControl(nil)
	c.Succs = nil
	c.Preds = nil
	return true
}

// bypassEmpty retargets b's edges that lead to an empty Plain block
// straight to that block's successor.
func bypassEmpty(b *ir.Block) bool {
	changed := false
	for _, e := range b.Succs {
		if e.Kind != ir.BlockPlain || len(e.Values) != 0 || e == b {
			continue
		}
		s := e.Succs[0]
		if s == e {
			continue
		}
		if s.HasPhis() && s.PredIndex(b) >= 0 {
			continue // would need two different phi arguments for one edge
		}
		ei := s.PredIndex(e)
		b.ReplaceSucc(e, s)
		for _, v := range s.Values {
			if v.Op != ir.OpPhi {
				break
			}
			v.AddArg(v.Args[ei])
		}
		changed = true
	}
	return changed
}

// mergeReturns points every jump to a block that only returns a constant
// at one such block per constant, so `return 0` in five places costs one
// "r0 = 0; exit".
func mergeReturns(f *ir.Func) bool {
	canon := map[int64]*ir.Block{}
	changed := false
	for _, b := range f.Blocks {
		c, ok := constReturn(b)
		if !ok {
			continue
		}
		k := canon[c]
		if k == nil {
			canon[c] = b
			continue
		}
		for len(b.Preds) > 0 {
			p := b.Preds[0]
			p.ReplaceSucc(b, k)
			if p.Kind == ir.BlockIf && p.Succs[0] == p.Succs[1] {
				p.RemoveSucc(1)
				p.Kind = ir.BlockPlain
				p.SetControl(nil)
			}
		}
		changed = true
	}
	return changed
}

// constReturn reports whether b does nothing but return a constant.
func constReturn(b *ir.Block) (int64, bool) {
	if b.Kind != ir.BlockRet {
		return 0, false
	}
	c, ok := b.Control.IsConst()
	if !ok {
		return 0, false
	}
	for _, v := range b.Values {
		if v != b.Control {
			return 0, false
		}
	}
	return c, true
}
