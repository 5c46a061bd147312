package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// ref returns the IR's reference to map m, recording m as used.
func (g *builder) ref(m *Map) *ir.MapRef {
	r, ok := g.refs[m]
	if !ok {
		r = &ir.MapRef{Name: m.Name, KeySize: m.KeySize(), ValueSize: m.ValueSize()}
		g.refs[m] = r
		g.maps = append(g.maps, m)
	}
	return r
}

// mapLookup lowers m[k] as a read: a pointer to the value, or null.
func (g *builder) mapLookup(m *Map, key operand) operand {
	g.checkMapAccess(m, "read")
	k := g.mapArg(m.Key, key, "key")
	v := g.value(ir.OpMapLookup, ir.PtrOrNull(ir.SpaceMap), k)
	v.Aux = g.ref(m)
	return operand{kind: opMapVal, v: v, ct: m.Value, what: m.Name + "[...]"}
}

// mapUpdate lowers m[k] = x.
func (g *builder) mapUpdate(m *Map, key, val operand, flags int64) {
	g.checkMapAccess(m, "written")
	k := g.mapArg(m.Key, key, "key")
	x := g.mapArg(m.Value, val, "value")
	v := g.value(ir.OpMapUpdate, ir.I64, k, x)
	v.Aux = g.ref(m)
	v.AuxInt = flags
}

// mapDelete lowers m[k] = nil.
func (g *builder) mapDelete(m *Map, key operand) {
	g.checkMapAccess(m, "written")
	k := g.mapArg(m.Key, key, "key")
	v := g.value(ir.OpMapDelete, ir.I64, k)
	v.Aux = g.ref(m)
}

// mapArg turns an operand into a map key or value argument: a number for
// scalar types (stored to the stack by the expand pass), or a pointer to
// stack memory holding the bytes for other types.
func (g *builder) mapArg(ct *ctype.Type, o operand, what string) *ir.Value {
	if ct.IsInteger() || ct.Kind == ctype.Pointer {
		if o.kind == opStack && o.ct.Size == ct.Size && !o.isNumeric() {
			return g.slotAddr(o.slot, o.off)
		}
		return g.toInt(o, "the map "+what)
	}
	switch {
	case o.kind == opStack:
		if o.ct.Size != ct.Size {
			g.errorf("the map %s is %s (%d bytes), but this is %s (%d bytes)", what, ct.String(), ct.Size, o.ct.String(), o.ct.Size)
		}
		return g.slotAddr(o.slot, o.off)
	case o.kind == opConst:
		if s, ok := o.c.(String); ok {
			slot := g.f.NewSlot(what, ct.Size, 8, g.line)
			g.zero(slot)
			g.storeBytes(operand{kind: opStack, slot: slot, ct: ct}, []byte(s), ct.Size, "the map "+what)
			return g.slotAddr(slot, 0)
		}
	}
	g.errorf("the map %s is %s; build it with ffi.new('%s') and pass that", what, ct.String(), ct.String())
	return nil
}

// checkMapAccess rejects element access the kernel refuses for a map
// type, with what to use instead.
func (g *builder) checkMapAccess(m *Map, how string) {
	switch m.Type.Kernel {
	case proto.PerfOutput, proto.RingOutput:
		g.errorf("a %s map cannot be %s by index in kernel code; send records with perf_submit(map, record)", m.Type.Name, how)
	case proto.StackIDs:
		g.errorf("a %s map cannot be %s by index in kernel code; record stacks with stack_id(map, flags) and read them in userspace", m.Type.Name, how)
	}
}
