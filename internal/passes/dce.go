package passes

import "github.com/luabpf/luabpf/internal/ir"

// dce deletes values nothing needs: not block controls, not memory
// writes or calls, and not used by anything that is needed.
func dce(f *ir.Func) {
	live := make([]bool, f.NumValues())
	var work []*ir.Value
	mark := func(v *ir.Value) {
		if v != nil && !live[v.ID] {
			live[v.ID] = true
			work = append(work, v)
		}
	}
	for _, b := range f.Blocks {
		mark(b.Control)
		for _, v := range b.Values {
			if v.Op.Effect() == ir.WritesMem {
				mark(v)
			}
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
	}
	for _, b := range f.Blocks {
		b.RemoveDead(func(v *ir.Value) bool { return live[v.ID] })
	}
}
