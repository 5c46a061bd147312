package regalloc

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/ir"
)

// maxRounds bounds spill-and-retry rounds; each round spills at least one
// web, and real programs need at most a few.
const maxRounds = 32

// Allocate assigns a register (Value.Reg) to every value of f that needs
// one, inserting the copies, rematerialised constants and spill code that
// takes. f must have been through the passes pipeline.
func Allocate(f *ir.Func) error {
	s := &state{f: f, fixed: map[*ir.Value]int8{}, reload: map[*ir.Value]bool{}}
	s.prep()
	for round := 0; round < maxRounds; round++ {
		g := s.build()
		s.coalesce(g)
		failed := s.color(g)
		if len(failed) == 0 {
			s.assign(g)
			return nil
		}
		spilled := map[*web]bool{}
		for _, w := range failed {
			if v := s.spillCandidate(g, w); v != nil && !spilled[v] {
				spilled[v] = true
				s.spill(v)
			}
		}
		if len(spilled) == 0 {
			break
		}
	}
	return fmt.Errorf("register allocation did not converge after %d rounds", maxRounds)
}

// spillCandidate picks the web to spill when w found no register: w
// itself, unless it is a short-lived value made by an earlier spill (or
// fixed to a register); then its neighbour with the most neighbours,
// likely the longest live range, that can be spilled.
func (s *state) spillCandidate(g *graph, w *web) *web {
	if s.spillable(w) {
		return w
	}
	var best *web
	for n := range w.adj {
		c := g.webs[n]
		if s.spillable(c) && (best == nil || len(c.adj) > len(best.adj)) {
			best = c
		}
	}
	return best
}

// spillable reports whether spilling w can lower register pressure.
func (s *state) spillable(w *web) bool {
	if w.fixed >= 0 {
		return false
	}
	for _, v := range w.vals {
		if s.reload[v] {
			return false
		}
	}
	return true
}

// assign copies web colours to values.
func (s *state) assign(g *graph) {
	for _, b := range s.f.Blocks {
		for _, v := range b.Values {
			v.Reg = -1
			if w := g.webOf(v); w != nil {
				v.Reg = w.color
			}
		}
	}
}

// spill moves web w to a stack slot: each value of it is stored right
// after it is defined and loaded again right before each use.
func (s *state) spill(w *web) {
	f := s.f
	slot := f.NewSlot("spill", 8, 8, 0)
	in := map[*ir.Value]bool{}
	for _, v := range w.vals {
		in[v] = true
	}
	addr := func(b *ir.Block, i, line int) *ir.Value {
		a := b.NewValueAt(i, ir.OpSlotAddr, ir.Ptr(ir.SpaceStack), line)
		a.Aux = slot
		return a
	}
	// Stores after definitions (phis live in the slot already: their
	// argument copies stored there).
	for _, b := range f.Blocks {
		for i := 0; i < len(b.Values); i++ {
			v := b.Values[i]
			if !in[v] || v.Op == ir.OpPhi {
				continue
			}
			j := i + 1
			for j < len(b.Values) && b.Values[j].Op == ir.OpPhi {
				j++
			}
			a := addr(b, j, v.Line)
			b.NewValueAt(j+1, ir.OpStore, ir.U64, v.Line, a, v)
			i = j + 1
		}
	}
	// Loads before uses.
	for _, b := range f.Blocks {
		for i := 0; i < len(b.Values); i++ {
			u := b.Values[i]
			if in[u] && u.Op == ir.OpPhi {
				continue
			}
			for k, a := range u.Args {
				if !in[a] || (u.Op == ir.OpStore && u.Args[0].Aux == slot) {
					continue
				}
				ad := addr(b, i, u.Line)
				ld := b.NewValueAt(i+1, ir.OpLoad, a.Type, u.Line, ad)
				s.reload[ld] = true
				u.SetArg(k, ld)
				i += 2
			}
		}
		if c := b.Control; c != nil {
			s.reloadControl(b, c, in, addr)
		}
	}
	// The spilled phis themselves are gone: their value is the slot.
	for _, b := range f.Blocks {
		b.RemoveDead(func(v *ir.Value) bool { return !(in[v] && v.Op == ir.OpPhi) })
	}
}

// reloadControl loads spilled operands of b's terminator at b's end.
func (s *state) reloadControl(b *ir.Block, c *ir.Value, in map[*ir.Value]bool, addr func(*ir.Block, int, int) *ir.Value) {
	load := func(a *ir.Value) *ir.Value {
		ad := addr(b, len(b.Values), b.Line)
		ld := b.NewValueAt(len(b.Values), ir.OpLoad, a.Type, b.Line, ad)
		s.reload[ld] = true
		return ld
	}
	if Fused(c) {
		for k, a := range c.Args {
			if in[a] {
				c.SetArg(k, load(a))
			}
		}
		return
	}
	if in[c] {
		b.SetControl(load(c))
	}
}
