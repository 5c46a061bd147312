package regalloc

import "github.com/luabpf/luabpf/internal/ir"

// A block split off an edge for phi copies costs a jump when it holds
// anything: the branch goes to it and it goes on to the phis' block. When
// all it holds are constants (or other values made again where needed),
// as on a packet read's miss path ("0 when past the end"), the constants
// can be made before the branch instead, in the phi's register, which
// the other side then overwrites: "r3 = 0; if p + 3 > end goto l; r3 =
// *(u8 *)(p + 2); l:", as C compilers do. The split block is then empty
// and the branch goes straight to the phis' block.
//
// Making the constant there pays only when it can have the phi's
// register, which must then be free at the end of the branching block:
// that depends on the other values' registers. So the constant is made
// there by a copy, tried as a coalescing candidate like any other, and
// taken back where coalescing leaves it in a register of its own (it
// would cost a move and keep a register busy), and also when colouring
// fails, before anything is spilled for it.

// hoist is one constant moved out of a split edge block: the phi's
// argument x there copies k, the copy of c, the constant made again at
// the end of the branching block from.
type hoist struct {
	x, k, c *ir.Value
	from    *ir.Block
}

// hoistEdgeConsts moves the constants out of every split block that
// holds nothing else (see above).
func (s *state) hoistEdgeConsts() {
	for _, e := range s.split {
		a := e.Preds[0]
		if a.Kind != ir.BlockIf || a.Succs[0] == a.Succs[1] || len(e.Values) == 0 || !s.onlyRematArgs(e) {
			continue
		}
		for _, x := range e.Values {
			c := remake(a, len(a.Values), x, x.Line)
			k := a.NewValueAt(len(a.Values), ir.OpCopy, x.Type, x.Line, c)
			s.noSpill[k] = true
			x.Reset(ir.OpCopy)
			x.AddArg(k)
			s.hoists = append(s.hoists, hoist{x: x, k: k, c: c, from: a})
		}
	}
}

// onlyRematArgs reports whether all e holds are phi arguments made again
// there.
func (s *state) onlyRematArgs(e *ir.Block) bool {
	for _, v := range e.Values {
		if !v.Op.IsRemat() || !s.phiArg[v] {
			return false
		}
	}
	return true
}

// dropHoists takes back the hoists for which drop returns true, making
// each constant again in its edge block, and reports whether it took
// any back.
func (s *state) dropHoists(drop func(hoist) bool) bool {
	kept := s.hoists[:0]
	dropped := false
	for _, h := range s.hoists {
		if !drop(h) {
			kept = append(kept, h)
			continue
		}
		dropped = true
		h.x.Reset(h.c.Op)
		h.x.AuxInt, h.x.Aux = h.c.AuxInt, h.c.Aux
		h.from.RemoveDead(func(v *ir.Value) bool { return v != h.k && v != h.c })
		delete(s.noSpill, h.k)
	}
	s.hoists = kept
	return dropped
}

// uncoalesced reports whether h's constant did not get the phi's web.
func uncoalesced(g *graph, h hoist) bool {
	w := g.webOf(h.x)
	return w == nil || g.webOf(h.k) != w || g.webOf(h.c) != w
}
