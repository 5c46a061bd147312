package irgen

import (
	"fmt"

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
	v := g.withMapArgs([]mapArg{{m.Key, key, "key"}}, func(args []*ir.Value) *ir.Value {
		v := g.value(ir.OpMapLookup, ir.PtrOrNull(ir.SpaceMap), args[0])
		v.Aux = g.ref(m)
		return v
	})
	return memOp(memRef{mem: mapValueMem{v}, ct: m.Value}, m.Name+"[...]")
}

// mapUpdate lowers m[k] = x.
func (g *builder) mapUpdate(m *Map, key, val operand, flags int64) {
	g.checkMapAccess(m, "written")
	g.withMapArgs([]mapArg{{m.Key, key, "key"}, {m.Value, val, "value"}}, func(args []*ir.Value) *ir.Value {
		v := g.value(ir.OpMapUpdate, ir.I64, args[0], args[1])
		v.Aux = g.ref(m)
		v.AuxInt = flags
		return nil
	})
}

// mapDelete lowers m[k] = nil.
func (g *builder) mapDelete(m *Map, key operand) {
	g.checkMapAccess(m, "written")
	g.withMapArgs([]mapArg{{m.Key, key, "key"}}, func(args []*ir.Value) *ir.Value {
		v := g.value(ir.OpMapDelete, ir.I64, args[0])
		v.Aux = g.ref(m)
		return nil
	})
}

// mapArg is a map key or value operand and the C type the map has for
// it.
type mapArg struct {
	ct   *ctype.Type
	o    operand
	what string
}

// withMapArgs turns operands into map key and value arguments and runs
// op on them. An argument that is stack memory is passed by pointer; one
// taken from an array element at a run-time index is only valid while
// the index is in range, so op runs inside that check and does not run
// (a lookup gives nil) outside it.
func (g *builder) withMapArgs(as []mapArg, op func(args []*ir.Value) *ir.Value) *ir.Value {
	args := make([]*ir.Value, len(as))
	var next func(i int) *ir.Value
	next = func(i int) *ir.Value {
		if i == len(as) {
			return op(args)
		}
		a := as[i]
		if !g.byPointer(a) {
			args[i] = g.mapValue(a)
			return next(i + 1)
		}
		return g.at(a.o, func(pl place) *ir.Value {
			args[i] = g.ptr(pl, 0)
			return next(i + 1)
		}, nil)
	}
	return next(0)
}

// byPointer reports whether map argument a is passed as a pointer to
// the stack object holding it (checking its size).
func (g *builder) byPointer(a mapArg) bool {
	o := a.o
	if !o.in(stackMem{}) {
		return false
	}
	if a.ct.IsInteger() || a.ct.Kind == ctype.Pointer {
		if o.isNumeric() {
			return false // read as a number and converted
		}
		if e := oneElement(o.m.ct); e != nil && o.m.ct.Size == a.ct.Size {
			return true // a uint64_t [1] object fills a uint64_t
		}
		g.mapTypeMismatch(a)
		return true
	}
	if o.m.ct.Size != a.ct.Size || o.isNumeric() && oneElement(a.ct) == nil {
		g.mapTypeMismatch(a)
	}
	return true
}

// mapTypeMismatch reports a stack object whose type does not fit the
// map's key or value type, naming both.
func (g *builder) mapTypeMismatch(a mapArg) {
	o := a.o
	g.errorf("the map %s is %s (%d bytes), but this is %s (%d bytes)", a.what, a.ct.String(), a.ct.Size, o.m.ct.String(), o.m.ct.Size)
}

// mapValue turns an operand that is not stack memory into a map key or
// value argument: a number for scalar types (stored to the stack by the
// expand pass; a bool as 0 or 1), or a pointer to a new stack object
// holding a string's bytes.
func (g *builder) mapValue(a mapArg) *ir.Value {
	ct, o := a.ct, a.o
	if e := oneElement(ct); e != nil && o.isNumeric() {
		ct = e // a scalar for a one-element array: uint64_t [1]
	}
	if ct.IsInteger() || ct.Kind == ctype.Pointer {
		if o.kind == opMem && o.m.ct != nil && (o.m.ct.Kind == ctype.Struct || o.m.ct.Kind == ctype.Union) {
			g.mapTypeMismatch(a) // a struct in a map value or the packet
			return nil
		}
		x := g.toInt(o, "the map "+a.what)
		if isBool(ct) {
			x = g.boolOf(x)
		}
		return x
	}
	if s, ok := o.c.(String); ok && o.kind == opConst {
		slot := g.f.NewSlot(a.what, ct.Size, 8, g.line)
		g.zero(slot)
		g.storeBytes(stackOp(slot, ct, "the map "+a.what), []byte(s), ct.Size, "the map "+a.what)
		return g.slotAddr(slot, 0)
	}
	if o.kind == opMem && o.m.ct != nil && o.m.has(memDirect) && !o.m.ptr && o.m.bf.BitSize == 0 {
		return g.copiedValue(a)
	}
	if o.kind == opPkt {
		g.errorf("the map %s is %s (%d bytes), but this is %s; copy it into an ffi.new('%s') object with ffi.copy first",
			a.what, ct.String(), ct.Size, pktName(o), ct.String())
	}
	g.errorf("the map %s is %s; build it with ffi.new('%s') and pass that", a.what, ct.String(), ct.String())
	return nil
}

// copiedValue passes a struct, union or array held in memory the program
// reads directly (another map's value, a member of one, a tracepoint's
// record) as a map key or value: its bytes are copied to a new stack
// object, as C copies a struct on assignment, and that is passed. A
// missing map value copies as zeros, as it reads as 0 elsewhere. The
// object must have the map's type.
func (g *builder) copiedValue(a mapArg) *ir.Value {
	ct, o := a.ct, a.o
	if !sameObjectType(o.m.ct, ct) {
		g.mapTypeMismatch(a)
		return nil
	}
	slot := g.f.NewSlot(a.what, ct.Size, 8, g.line)
	obj := stackOp(slot, ct, "the map "+a.what)
	g.copyMem(obj, o, ct.Size)
	return g.slotAddr(slot, 0)
}

// sameObjectType reports whether a struct, union or array of type t may
// be copied where u is wanted: the same type, or one spelt the same and
// laid out the same (a struct type written out twice, as two maps'
// declarations may).
func sameObjectType(t, u *ctype.Type) bool {
	return t.Equal(u) || t.Kind == u.Kind && t.Size == u.Size && t.Align == u.Align && t.String() == u.String()
}

// pktName names packet bytes in messages, with their fixed size when
// known: "the packet header pkt.ip (20 bytes)", "the packet field
// pkt.dst (6 bytes)".
func pktName(o operand) string {
	p := o.pkt
	s := "the packet header " + o.what
	n := 0
	switch {
	case p.size > 0:
		s, n = "the packet field "+o.what, p.size
	case p.hdr != nil:
		n = p.hdr.Size
	}
	if n > 0 {
		s += fmt.Sprintf(" (%d bytes)", n)
	}
	return s
}

// checkMapAccess rejects element access the kernel refuses for a map
// type, with what to use instead.
func (g *builder) checkMapAccess(m *Map, how string) {
	switch m.Type.Kernel {
	case proto.PerfOutput, proto.RingOutput:
		g.errorf("a %s map cannot be %s by index in kernel code; send records with perf_submit(map, record)", m.Type.Name, how)
	case proto.StackIDs:
		g.errorf("a %s map cannot be %s by index in kernel code; record stacks with stack_id(map, flags) and read them in userspace", m.Type.Name, how)
	case proto.RedirectTargets:
		g.errorf("a %s map cannot be %s by index in kernel code; send packets to its entries with redirect_map(map, key)", m.Type.Name, how)
	}
}

// oneElement returns the element type of a one-element array of
// integers (uint64_t [1], which the original's scripts give maps so
// that a scalar fills it), or nil.
func oneElement(ct *ctype.Type) *ctype.Type {
	if ct.Kind == ctype.Array && ct.Len == 1 && ct.Elem.IsInteger() {
		return ct.Elem
	}
	return nil
}
