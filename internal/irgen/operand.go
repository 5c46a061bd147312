package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// opKind is what an operand is.
type opKind uint8

const (
	opConst  opKind = iota // a compile-time Value (c)
	opInt                  // a runtime integer or comparison result (v)
	opCtx                  // the program context (cx)
	opPkt                  // a position in the packet (pkt)
	opMem                  // C-typed memory: a stack object, a map value, ... (m)
	opPoison               // unknown because of an error already reported
)

// strOrder says how a string literal compares with an integer operand.
type strOrder uint8

const (
	strNone strOrder = iota
	strBE            // the value reads bytes big-endian (packet slices): "GET " is 0x47455420
	strRaw           // the value holds bytes as memory does (header fields, stack loads): little-endian
)

// operand is an expression's meaning during lowering: its kind, what
// describes it in messages, and the part for its kind.
type operand struct {
	kind opKind
	what string // describes the operand in messages ("pkt.ip", "skb.len")

	c Value // opConst

	// opInt: the value, how string literals compare with it when it was
	// read from memory or a packet, and the size in bytes of the C type
	// (or packet slice) it was read or cast as, which ntoh swaps (0 for
	// literals, upvalues and results of arithmetic, swapped as 32 bits).
	v     *ir.Value
	str   strOrder
	width int

	cx  ctxRef // opCtx
	pkt pktRef // opPkt
	m   memRef // opMem
}

// ctxRef is the program's context, laid out as ctx; field is set on an
// array field (skb.cb) before it is indexed.
type ctxRef struct {
	ctx   *proto.Ctx
	field *proto.CtxField
}

func constOp(c Value) operand { return operand{kind: opConst, c: c} }

func intOp(v *ir.Value) operand { return operand{kind: opInt, v: v} }

func pktOp(p pktRef, what string) operand { return operand{kind: opPkt, pkt: p, what: what} }

func memOp(m memRef, what string) operand { return operand{kind: opMem, m: m, what: what} }

// kindName names an operand's kind in messages.
func (o operand) kindName() string {
	switch o.kind {
	case opConst:
		return o.c.Describe()
	case opInt:
		if o.v.Type.Kind == ir.KBool {
			return "a comparison result"
		}
		return "a number"
	case opCtx:
		return "the program context"
	case opPkt:
		return "a packet pointer"
	case opMem:
		return o.m.mem.describe() + " (" + o.m.ct.String() + ")"
	case opPoison:
		return "a value"
	}
	return "a value"
}

// isNumeric reports whether o can be used as a number as it is.
func (o operand) isNumeric() bool {
	switch o.kind {
	case opInt:
		return true
	case opConst:
		switch o.c.(type) {
		case Int, Bool, Nil:
			return true
		}
	case opMem:
		return o.m.isNumeric()
	}
	return false
}

// isMember reports whether o is a scalar member or element of memory
// (including a bitfield), which reads as a number, rather than an object.
func (o operand) isMember() bool {
	return o.kind == opMem && o.m.field && (o.m.bf.BitSize > 0 || o.m.isNumeric())
}

// in reports whether o is memory of the kind mem has (stackMem{},
// mapValueMem{}, ...).
func (o operand) in(mem memory) bool {
	return o.kind == opMem && sameKind(o.m.mem, mem)
}

// constInt returns o's value when o is a compile-time integer (booleans
// and nil count as 1/0).
func (o operand) constInt() (int64, bool) {
	if o.kind != opConst {
		return 0, false
	}
	switch c := o.c.(type) {
	case Int:
		return int64(c), true
	case Bool:
		if c {
			return 1, true
		}
		return 0, true
	case Nil:
		return 0, true
	}
	return 0, false
}

// sameValue reports whether two compile-time values are the same.
func sameValue(a, b Value) bool {
	switch a := a.(type) {
	case MapTable:
		bt, ok := b.(MapTable)
		if !ok {
			return false
		}
		if len(a) != len(bt) {
			return false
		}
		for k, v := range a {
			if w, ok := bt[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case CType:
		bc, ok := b.(CType)
		return ok && (a.T == bc.T || a.T.Equal(bc.T))
	}
	defer func() { recover() }() // incomparable dynamic types
	return a == b
}

// same reports whether two operands are interchangeable.
func same(a, b operand) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case opConst:
		return sameValue(a.c, b.c)
	case opInt:
		return a.v == b.v && a.str == b.str && a.width == b.width
	case opCtx:
		return a.cx == b.cx
	case opPkt:
		return a.pkt == b.pkt
	case opMem:
		return a.m.same(b.m)
	}
	return false
}
