package passes

import "github.com/luabpf/luabpf/internal/ir"

// boundselim drops packet bounds checks that a check made earlier on
// every path to them implies. irgen checks the packet before each
// direct read, "if base + k > end goto miss"; where the false side of
// "if base + k0 > end" dominates the check, with the same base pointer
// and end and k <= k0, it cannot fail, and its branch becomes a jump to
// the read. The verifier agrees: the earlier check gave the pointer's
// every copy a range of k0 bytes.
//
// It runs after cse, so that reads of one header share one base pointer
// value: the verifier tracks the range per pointer it computed, and a
// pointer recomputed with the same run-time offset is a new one to it.
func boundselim(f *ir.Func) {
	dom := f.Dominators()
	var facts []bound
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		n := len(facts)
		if len(b.Preds) == 1 {
			p := b.Preds[0]
			if fc, ok := pktBound(p); ok && p.Succs[1] == b && p.Succs[0] != b {
				facts = append(facts, fc)
			}
		}
		if c, ok := pktBound(b); ok && implied(facts, c) {
			// The control may be shared with the dominating check (cse
			// merged the two comparisons): give this block its own.
			b.SetControl(b.NewConst(ir.Bool, 0, b.Line))
		}
		for _, c := range dom.Children(b) {
			walk(c)
		}
		facts = facts[:n]
	}
	walk(f.Entry())
}

// bound says base + k <= end: k bytes from base are in the packet.
type bound struct {
	base, end *ir.Value
	k         int64
}

// pktBound recognises a block ending in a packet bounds check, "if base
// + k > end", whose false side is where the bytes are there.
func pktBound(b *ir.Block) (bound, bool) {
	if b.Kind != ir.BlockIf || b.Control.Op != ir.OpGt {
		return bound{}, false
	}
	x, end := b.Control.Args[0], b.Control.Args[1]
	if x.Type.Space != ir.SpacePkt || end.Type.Space != ir.SpacePktEnd {
		return bound{}, false
	}
	if x.Op == ir.OpAdd {
		if k, ok := x.Args[1].IsConst(); ok && x.Args[0].Type.Space == ir.SpacePkt {
			return bound{base: x.Args[0], end: end, k: k}, true
		}
	}
	return bound{base: x, end: end}, true
}

// implied reports whether the facts guarantee bound c.
func implied(facts []bound, c bound) bool {
	for _, f := range facts {
		if f.base == c.base && f.end == c.end && c.k <= f.k {
			return true
		}
	}
	return false
}
