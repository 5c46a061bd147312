package passes

import "github.com/luabpf/luabpf/internal/ir"

// copyprop makes every use of a copy use the copied value, and turns phis
// whose arguments are all one value (or the phi itself) into copies of it.
// The copies left unused are deleted by dce.
func copyprop(f *ir.Func) {
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == ir.OpPhi {
					if same := phiSame(v); same != nil {
						v.ResetCopy(same)
						changed = true
					}
				}
				for i, a := range v.Args {
					if a.Op == ir.OpCopy && a != v {
						v.SetArg(i, copySource(a))
						changed = true
					}
				}
			}
			if c := b.Control; c != nil && c.Op == ir.OpCopy {
				b.SetControl(copySource(c))
				changed = true
			}
		}
	}
}

// copySource follows a chain of copies to its start.
func copySource(v *ir.Value) *ir.Value {
	for v.Op == ir.OpCopy && v.Args[0] != v {
		v = v.Args[0]
	}
	return v
}

// phiSame returns the one value a phi merges, ignoring itself, or nil.
func phiSame(v *ir.Value) *ir.Value {
	var same *ir.Value
	for _, a := range v.Args {
		if a == v || a == same {
			continue
		}
		if same != nil {
			return nil
		}
		same = a
	}
	return same
}
