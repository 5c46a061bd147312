package passes

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
)

// spilled is a scalar stored to a stack slot for a helper.
type spilled struct {
	store *ir.Value
	addr  *ir.Value
	size  int
}

// expand lowers the map operations into what the machine does: helpers
// take keys and values by pointer, so a scalar key or value is stored to
// a stack slot first, and the call gets the map (a pseudo map-fd load)
// and the slot's address. A run-time scalar stored once is reused by
// later operations the store dominates, so `v = m[k] ... m[k] = 1`
// stores k once (k would otherwise stay alive in a register until the
// second store). A constant is stored again for each operation: one
// store-immediate instruction, where keeping its slot alive for the rest
// of the function would let a loop over constant keys run out of stack.
func expand(f *ir.Func) {
	dom := f.Dominators()
	stored := map[*ir.Value][]spilled{}
	addrOf := func(v, x *ir.Value, size int, name string) *ir.Value {
		if x.Type.IsPtr() {
			return x
		}
		_, isConst := x.IsConst()
		for _, s := range stored[x] {
			if !isConst && s.size == size && dom.ValueDominates(s.store, v) {
				return s.addr
			}
		}
		b := v.Block
		i := b.Index(v)
		slot := f.NewSlot(name, size, min(size, 8), v.Line)
		addr := b.NewValueAt(i, ir.OpSlotAddr, ir.Ptr(ir.SpaceStack), v.Line)
		addr.Aux = slot
		st := b.NewValueAt(i+1, ir.OpStore, ir.Int(size, false), v.Line, addr, x)
		stored[x] = append(stored[x], spilled{store: st, addr: addr, size: size})
		return addr
	}
	for _, b := range f.Blocks {
		for i := 0; i < len(b.Values); i++ {
			v := b.Values[i]
			m, _ := v.Aux.(*ir.MapRef)
			switch v.Op {
			case ir.OpMapLookup:
				key := addrOf(v, v.Args[0], m.KeySize, "key")
				expandCall(v, asm.FnMapLookupElem, m, key)
			case ir.OpMapUpdate:
				key := addrOf(v, v.Args[0], m.KeySize, "key")
				val := addrOf(v, v.Args[1], m.ValueSize, "value")
				fl := v.Block.NewValueAt(v.Block.Index(v), ir.OpConst, ir.I64, v.Line)
				fl.AuxInt = v.AuxInt
				expandCall(v, asm.FnMapUpdateElem, m, key, val, fl)
			case ir.OpMapDelete:
				key := addrOf(v, v.Args[0], m.KeySize, "key")
				expandCall(v, asm.FnMapDeleteElem, m, key)
			}
		}
	}
}

// expandCall turns v into a helper call on map m with the given
// arguments after the map itself.
func expandCall(v *ir.Value, h asm.BuiltinFunc, m *ir.MapRef, args ...*ir.Value) {
	mp := v.Block.NewValueAt(v.Block.Index(v), ir.OpMapPtr, ir.Ptr(ir.SpaceMapFD), v.Line)
	mp.Aux = m
	v.Op = ir.OpCall
	v.Aux = h
	v.AuxInt = 0
	v.SetArgs(append([]*ir.Value{mp}, args...)...)
}
