package regalloc

import "github.com/luabpf/luabpf/internal/ir"

// state is one allocation run over a function.
type state struct {
	f       *ir.Func
	fixed   map[*ir.Value]int8      // values that must be in a given register
	repl    map[*ir.Value]*ir.Value // values replaced by their copies (prep)
	regUse  map[*ir.Value]bool      // rematerialisable values read from a register
	noSpill map[*ir.Value]bool      // spilled values and their reloads: spilling them again gains nothing
	phiArg  map[*ir.Value]bool      // the argument copies conventionalSSA made
	split   []*ir.Block             // the blocks splitCriticalEdges made
	hoists  []hoist                 // constants made before a branch for a split block (hoist.go)
}

// prep rewrites f so that every register constraint is carried by a copy
// (see the package doc, step 1).
func (s *state) prep() {
	s.repl = map[*ir.Value]*ir.Value{}
	s.splitCriticalEdges()
	s.conventionalSSA()
	for _, b := range s.f.Blocks {
		for i := 0; i < len(b.Values); i++ {
			i = s.constrain(b, i, b.Values[i])
		}
	}
	s.applyRepl()
	for _, b := range s.f.Blocks {
		s.constrainControl(b)
	}
	s.materialize()
	s.hoistEdgeConsts()
}

// applyRepl makes every use of a value that got a copy (s.repl) use the
// copy, except the copy itself, in one pass over the function.
func (s *state) applyRepl() {
	for _, b := range s.f.Blocks {
		for _, u := range b.Values {
			for j, a := range u.Args {
				if c := s.repl[a]; c != nil && c != u {
					u.SetArg(j, c)
				}
			}
		}
		if c := s.repl[b.Control]; b.Control != nil && c != nil {
			b.SetControl(c)
		}
	}
}

// splitCriticalEdges puts an empty block on every edge from a block with
// several successors to a block with phis and several predecessors, so
// phi copies have a place of their own.
func (s *state) splitCriticalEdges() {
	for _, b := range s.f.Blocks {
		if len(b.Succs) < 2 {
			continue
		}
		for i, t := range b.Succs {
			if len(t.Preds) < 2 || !t.HasPhis() {
				continue
			}
			mid := s.f.NewBlock(ir.BlockPlain)
			mid.Line = b.Line
			s.split = append(s.split, mid)
			pi := t.PredIndex(b)
			b.Succs[i] = mid
			mid.Preds = []*ir.Block{b}
			mid.Succs = []*ir.Block{t}
			t.Preds[pi] = mid
		}
	}
}

// conventionalSSA gives each phi argument a copy at the end of its
// predecessor and each phi a copy right after the phis, so a phi and its
// argument copies can share one register without interfering with
// anything (Sreedhar's method I).
func (s *state) conventionalSSA() {
	for _, b := range s.f.Blocks {
		nphi := 0
		for nphi < len(b.Values) && b.Values[nphi].Op == ir.OpPhi {
			nphi++
		}
		for k := 0; k < nphi; k++ {
			phi := b.Values[k]
			for i, a := range phi.Args {
				p := b.Preds[i]
				c := hold(p, len(p.Values), a, phi.Type, p.Line)
				phi.SetArg(i, c)
				s.phiArg[c] = true
			}
			s.repl[phi] = b.NewValueAt(nphi, ir.OpCopy, phi.Type, phi.Line, phi)
		}
	}
}

// constrain adds the copies v's register constraints need. v is at index
// i of b; it returns the index of the last value it handled, so the
// caller continues after v and its copies.
func (s *state) constrain(b *ir.Block, i int, v *ir.Value) int {
	for k := range v.Args {
		if r, ok := v.Op.ArgReg(k); ok {
			s.copyArg(b, &i, v, k, r)
		}
	}
	r, ok := v.Op.ResultReg()
	if !ok {
		return i
	}
	s.fixed[v] = r
	return i + s.copyResult(b, i, v)
}

// copyArg makes argument k of v (at index *i in b) a copy fixed to reg;
// a rematerialisable argument is made again there instead.
func (s *state) copyArg(b *ir.Block, i *int, v *ir.Value, k int, reg int8) {
	a := v.Args[k]
	c := hold(b, *i, a, a.Type, v.Line)
	v.SetArg(k, c)
	s.fixed[c] = reg
	*i++
}

// copyResult moves v (fixed to a register) into a free copy right after
// it, and makes all other uses of v use the copy.
func (s *state) copyResult(b *ir.Block, i int, v *ir.Value) int {
	if v.Uses == 0 {
		return 0
	}
	s.repl[v] = b.NewValueAt(i+1, ir.OpCopy, v.Type, v.Line, v)
	return 1
}

// constrainControl fixes a returned value to R0.
func (s *state) constrainControl(b *ir.Block) {
	if b.Kind != ir.BlockRet {
		return
	}
	a := b.Control
	c := hold(b, len(b.Values), a, a.Type, b.Line)
	b.SetControl(c)
	s.fixed[c] = R0
}

// materialize gives every register use of a constant, stack address or
// map pointer its own copy of that value right before the use, so those
// values never stay live in a register.
func (s *state) materialize() {
	for _, b := range s.f.Blocks {
		for i := 0; i < len(b.Values); i++ {
			v := b.Values[i]
			for k, a := range v.Args {
				if !a.Op.IsRemat() || Inline(v, k) || v.Op == ir.OpPhi {
					continue
				}
				if _, ok := s.fixed[a]; ok && a.Uses == 1 {
					continue // already a private copy for this use
				}
				if a.Uses == 1 && a.Block == b && b.Index(a) == i-1 {
					continue // defined right before its only use
				}
				v.SetArg(k, remake(b, i, a, v.Line))
				i++
			}
		}
		if c := b.Control; c != nil && Fused(c) {
			for k, a := range c.Args {
				if a.Op.IsRemat() && !Inline(c, k) && !(a.Uses == 1 && a.Block == b) {
					c.SetArg(k, remake(b, len(b.Values), a, b.Line))
				}
			}
		}
	}
	// Unused originals disappear; inline-only ones stay for emit.
	for _, b := range s.f.Blocks {
		b.RemoveDead(func(v *ir.Value) bool { return !v.Op.IsRemat() || v.Uses > 0 })
	}
}

// remake inserts the rematerialisable value a again, at index i of b.
func remake(b *ir.Block, i int, a *ir.Value, line int) *ir.Value {
	c := b.NewValueAt(i, a.Op, a.Type, line)
	c.AuxInt, c.Aux = a.AuxInt, a.Aux
	return c
}

// hold inserts at index i of b a value of type t that holds a: a made
// again when it is rematerialisable, else a copy of it.
func hold(b *ir.Block, i int, a *ir.Value, t ir.Type, line int) *ir.Value {
	if a.Op.IsRemat() {
		return remake(b, i, a, line)
	}
	return b.NewValueAt(i, ir.OpCopy, t, line, a)
}
