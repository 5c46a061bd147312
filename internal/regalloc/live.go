package regalloc

import "github.com/luabpf/luabpf/internal/ir"

// build creates the webs and the interference graph of s.f.
func (s *state) build() *graph {
	g := &graph{of: map[*ir.Value]int{}}
	s.findRegUses()
	for _, b := range s.f.Blocks {
		for _, v := range b.Values {
			if s.needsReg(v) {
				w := g.newWeb(v)
				if r, ok := s.fixed[v]; ok {
					w.fixed = r
				}
			}
		}
	}
	g.sizeAdj()
	// A phi and its argument copies are one web.
	for _, b := range s.f.Blocks {
		for _, v := range b.Values {
			if v.Op != ir.OpPhi || g.webOf(v) == nil {
				continue
			}
			for _, a := range v.Args {
				if wa := g.webOf(a); wa != nil && wa != g.webOf(v) {
					g.merge(g.webOf(v), wa)
				}
			}
		}
	}
	for _, b := range s.f.Blocks {
		for _, v := range b.Values {
			if g.webOf(v) == nil {
				continue
			}
			if v.Op == ir.OpCopy && g.webOf(v.Args[0]) != nil {
				g.pairs = append(g.pairs, [2]*ir.Value{v, v.Args[0]})
			}
			if v.Op.IsTwoAddress() && g.webOf(v.Args[0]) != nil && !Inline(v, 0) {
				g.pairs = append(g.pairs, [2]*ir.Value{v, v.Args[0]})
			}
		}
	}
	s.interfere(g)
	return g
}

// regUses calls f for each web v reads from a register.
func (s *state) regUses(g *graph, v *ir.Value, f func(*web)) {
	if v.Op == ir.OpPhi || Fused(v) {
		return
	}
	for i, a := range v.Args {
		if w := g.webOf(a); w != nil && !Inline(v, i) {
			f(w)
		}
	}
}

// controlUses calls f for each web b's terminator reads.
func (s *state) controlUses(g *graph, b *ir.Block, f func(*web)) {
	c := b.Control
	if c == nil {
		return
	}
	if Fused(c) {
		for i, a := range c.Args {
			if w := g.webOf(a); w != nil && !Inline(c, i) {
				f(w)
			}
		}
		return
	}
	if w := g.webOf(c); w != nil {
		f(w)
	}
}

// interfere computes liveness and adds interference edges.
func (s *state) interfere(g *graph) {
	n := len(g.webs)
	nb := s.f.NumBlocks()
	liveIn := make([]bitset, nb)
	liveOut := make([]bitset, nb)
	for _, b := range s.f.Blocks {
		liveIn[b.ID] = newBitset(n)
		liveOut[b.ID] = newBitset(n)
	}
	// A phi reads its argument at the end of the predecessor it comes
	// from: the argument copy's web is live out of that block (and only
	// that one), so nothing defined after the copy may take its register.
	phiOut := make([]bitset, nb)
	for _, b := range s.f.Blocks {
		phiOut[b.ID] = newBitset(n)
	}
	for _, t := range s.f.Blocks {
		for _, v := range t.Values {
			if v.Op != ir.OpPhi {
				break
			}
			for i, a := range v.Args {
				if w := g.webOf(a); w != nil {
					phiOut[t.Preds[i].ID].add(w.id)
				}
			}
		}
	}
	po := s.f.Postorder()
	for changed := true; changed; {
		changed = false
		for _, b := range po {
			out := liveOut[b.ID]
			out.union(phiOut[b.ID])
			for _, t := range b.Succs {
				out.union(liveIn[t.ID])
			}
			live := out.clone()
			s.scanBlock(g, b, live, nil)
			if liveIn[b.ID].union(live) {
				changed = true
			}
		}
	}
	for _, b := range s.f.Blocks {
		s.scanBlock(g, b, liveOut[b.ID].clone(), g)
	}
}

// scanBlock walks b backwards from live (its live-out set), leaving
// live-in in live. With edges set it also records interference.
func (s *state) scanBlock(g *graph, b *ir.Block, live bitset, edges *graph) {
	s.controlUses(g, b, func(w *web) { live.add(w.id) })
	for i := len(b.Values) - 1; i >= 0; i-- {
		v := b.Values[i]
		d := g.webOf(v)
		if d != nil {
			if edges != nil {
				var src *web
				if v.Op == ir.OpCopy {
					src = g.webOf(v.Args[0])
				}
				live.forEach(func(j int) {
					if w := g.webs[g.find(j)]; w != d && w != src {
						g.addEdge(d, w)
					}
				})
				s.extraEdges(g, v, d)
			}
			live.remove(g.find(d.id))
		}
		if c := v.Op.Clobbers(); c != 0 && edges != nil {
			live.forEach(func(j int) { g.webs[g.find(j)].forbid |= uint16(c) })
		}
		s.regUses(g, v, func(w *web) { live.add(w.id) })
	}
}

// extraEdges adds the constraints of v's instruction form: a two-address
// result must not share a register with its second operand (dst = a;
// dst op= b would clobber b), and a materialised comparison writes its
// result before comparing.
func (s *state) extraEdges(g *graph, v *ir.Value, d *web) {
	switch {
	case v.Op.IsTwoAddress() && len(v.Args) == 2 && !Inline(v, 1):
		if g.webOf(v.Args[1]) != g.webOf(v.Args[0]) {
			g.addEdge(d, g.webOf(v.Args[1]))
		}
	case v.Op.IsCompare():
		for i, a := range v.Args {
			if !Inline(v, i) {
				g.addEdge(d, g.webOf(a))
			}
		}
	}
}
