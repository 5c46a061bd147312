package passes

import "github.com/luabpf/luabpf/internal/ir"

// dse deletes stores to stack slots that a later store in the same block
// overwrites completely before anything reads the slot: typically the
// zeroing of an ffi.new object whose fields are all set right after.
// Slots whose address is used in any other way (pointer arithmetic, a
// phi) are left alone.
func dse(f *ir.Func) {
	escaped := escapingSlots(f)
	for _, b := range f.Blocks {
		covered := map[*ir.Slot][]bool{}
		dead := map[*ir.Value]bool{}
		for i := len(b.Values) - 1; i >= 0; i-- {
			v := b.Values[i]
			if s, off, ok := slotStore(v); ok && !escaped[s] {
				n := int(v.Type.Size)
				cov := covered[s]
				if cov == nil {
					cov = make([]bool, s.Size)
					covered[s] = cov
				}
				if off < 0 || off+n > s.Size {
					continue
				}
				all := true
				for j := off; j < off+n; j++ {
					all = all && cov[j]
					cov[j] = true
				}
				if all {
					dead[v] = true
				}
				continue
			}
			for _, a := range v.Args {
				if a.Op == ir.OpSlotAddr {
					delete(covered, a.Aux.(*ir.Slot)) // read (or passed on): earlier stores matter
				}
			}
		}
		if len(dead) > 0 {
			b.RemoveDead(func(v *ir.Value) bool { return !dead[v] })
		}
	}
}

// slotStore reports whether v stores to a stack slot at a constant
// offset, and where.
func slotStore(v *ir.Value) (*ir.Slot, int, bool) {
	if v.Op != ir.OpStore || v.Args[0].Op != ir.OpSlotAddr {
		return nil, 0, false
	}
	a := v.Args[0]
	return a.Aux.(*ir.Slot), int(a.AuxInt + v.AuxInt), true
}

// escapingSlots returns the slots whose address is used other than as
// the address of a load or store, or as a helper argument.
func escapingSlots(f *ir.Func) map[*ir.Slot]bool {
	out := map[*ir.Slot]bool{}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				if a.Op != ir.OpSlotAddr {
					continue
				}
				if v.Op.IsMemAccess() && i == 0 || v.Op.CallsHelper() {
					continue
				}
				out[a.Aux.(*ir.Slot)] = true
			}
		}
		if c := b.Control; c != nil && c.Op == ir.OpSlotAddr {
			out[c.Aux.(*ir.Slot)] = true
		}
	}
	return out
}
