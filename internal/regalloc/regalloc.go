package regalloc

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/ir"
)

// Allocate assigns a register (Value.Reg) to every value of f that needs
// one, inserting the copies, rematerialised constants and spill code that
// takes. f must have been through the passes pipeline.
//
// Each round that cannot colour every web spills at least one value that
// was not spilled before, and spilling makes no new such values (only
// loads right before uses and stores right after definitions), so the
// rounds end: at the latest when every value has been spilled once.
func Allocate(f *ir.Func) error {
	s := &state{f: f, fixed: map[*ir.Value]int8{}, noSpill: map[*ir.Value]bool{}, phiArg: map[*ir.Value]bool{}}
	s.prep()
	for round := 0; ; round++ {
		g := s.build()
		s.coalesce(g)
		if s.dropHoists(func(h hoist) bool { return uncoalesced(g, h) }) {
			continue // build again without them
		}
		failed := s.color(g)
		if len(failed) == 0 {
			s.assign(g)
			return nil
		}
		if s.dropHoists(func(hoist) bool { return true }) {
			continue // nothing is spilled for a constant moved to save a jump
		}
		if !s.spillFor(g, failed) {
			return fmt.Errorf("register allocation failed after %d rounds: %d values need a register at once and none of them can be spilled", round+1, len(failed))
		}
	}
}

// spillFor spills, for each web that found no register, the values of
// it that can be spilled, or else those of its neighbour with the most
// neighbours (likely the longest live range); when none of those can be,
// the values of the web with the most neighbours that can. It reports
// whether it spilled anything.
func (s *state) spillFor(g *graph, failed []*web) bool {
	done := map[*web]bool{}
	spill := func(w *web) bool {
		vals := s.spillable(w)
		if done[w] || len(vals) == 0 {
			return false
		}
		done[w] = true
		s.spill(vals)
		return true
	}
	for _, w := range failed {
		if spill(w) {
			continue
		}
		if n := s.mostConnected(g, func(n int) bool { return w.adj.has(n) }); n != nil {
			spill(n)
		}
	}
	if len(done) > 0 {
		return true
	}
	n := s.mostConnected(g, func(int) bool { return true })
	return n != nil && spill(n)
}

// mostConnected returns the representative web among those in picks
// with the most neighbours and some value to spill; the lowest id wins a
// tie, so every run picks the same.
func (s *state) mostConnected(g *graph, in func(int) bool) *web {
	var best *web
	for _, c := range g.webs {
		if g.find(c.id) != c.id || !in(c.id) || len(s.spillable(c)) == 0 {
			continue
		}
		if best == nil || c.deg > best.deg {
			best = c
		}
	}
	return best
}

// spillable returns the values of w whose spilling would shorten a live
// range: not fixed to a register, not already spilled or a spill's
// reload, and not a constant or address rematerialised next to its use
// (a phi's argument is not next to its use).
func (s *state) spillable(w *web) []*ir.Value {
	var out []*ir.Value
	for _, v := range w.vals {
		if _, fixed := s.fixed[v]; fixed || s.noSpill[v] || v.Op.IsRemat() && !s.phiArg[v] {
			continue
		}
		out = append(out, v)
	}
	return out
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

// spill moves vals, values that may share a register, to one stack
// slot: each is stored right after it is defined and loaded again right
// before each use. A phi comes with all its arguments (they are one web
// from the start); it disappears, as its value is the slot.
func (s *state) spill(vals []*ir.Value) {
	f := s.f
	slot := f.NewSlot("spill", 8, 8, spillLine(vals))
	in := map[*ir.Value]bool{}
	for _, v := range vals {
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
			s.noSpill[v] = true // live only up to its store now
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
				ld := b.NewValueAt(i+1, ir.OpFill, a.Type, u.Line, ad)
				s.noSpill[ld] = true
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
		ld := b.NewValueAt(len(b.Values), ir.OpFill, a.Type, b.Line, ad)
		s.noSpill[ld] = true
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

// spillLine is the Lua line a spill slot is charged to in stack errors:
// that of the first spilled value that has one.
func spillLine(vals []*ir.Value) int {
	for _, v := range vals {
		if v.Line > 0 {
			return v.Line
		}
	}
	return 0
}
