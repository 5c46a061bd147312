package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// opKind is what an operand is.
type opKind uint8

const (
	opConst  opKind = iota // a compile-time Value (c)
	opInt                  // a runtime integer or comparison result (v)
	opCtx                  // the context pointer (v), laid out as ctx
	opPkt                  // a packet position: v (may be nil) + off, at header hdr
	opStack                // stack memory: slot at byte off, of C type ct
	opMapVal               // a map value: pointer v (maybe null) + off, of C type ct
	opPoison               // a local whose defining statement failed (see recover.go)
)

// strOrder says how a string literal compares with an integer operand.
type strOrder uint8

const (
	strNone strOrder = iota
	strBE            // the value reads bytes big-endian (packet slices): "GET " is 0x47455420
	strRaw           // the value holds bytes as memory does (header fields, stack loads): little-endian
)

// operand is an expression's meaning during lowering.
type operand struct {
	kind opKind
	c    Value
	v    *ir.Value
	off  int64
	hdr  *proto.Header
	ct   *ctype.Type
	slot *ir.Slot
	ctx  *proto.Ctx
	bf   ctype.Field // stack or map value bitfield member (BitSize > 0); off is then the struct's
	bfIn int         // the size of the struct holding bf
	// str says how string literals compare with an integer read from
	// memory or a packet.
	str strOrder
	// width is the size in bytes of the C type (or packet slice) an
	// integer was read or cast as, which ntoh swaps; 0 for literals,
	// upvalues and results of arithmetic (swapped as 32 bits).
	width int
	// what describes the operand in messages ("pkt.ip", "skb.len").
	what string
	// ctxField is set on a context array field (skb.cb) before indexing.
	ctxField *proto.CtxField
	// field marks a member or element reference (snapshotted when
	// assigned to a local).
	field bool
	// index, when set, is a run-time element index into memory at off,
	// scaled by scale and checked against bound.
	index *ir.Value
	bound int
	scale int
}

func constOp(c Value) operand { return operand{kind: opConst, c: c} }

func intOp(v *ir.Value) operand { return operand{kind: opInt, v: v} }

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
	case opStack:
		return "a stack object (" + o.ct.String() + ")"
	case opMapVal:
		return "a map value (" + o.ct.String() + ")"
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
	case opStack, opMapVal:
		return o.ct != nil && (o.ct.IsInteger() || o.ct.Kind == ctype.Pointer)
	}
	return false
}

// isMember reports whether o is a scalar member or element of memory
// (including a bitfield), which reads as a number, rather than an object.
func (o operand) isMember() bool {
	return o.field && (o.bf.BitSize > 0 || o.isNumeric())
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
	if a.kind != b.kind || a.v != b.v || a.off != b.off || a.hdr != b.hdr || a.slot != b.slot || a.ctx != b.ctx {
		return false
	}
	if a.kind == opConst {
		return sameValue(a.c, b.c)
	}
	if a.ct != b.ct && !(a.ct != nil && b.ct != nil && a.ct.Equal(b.ct)) {
		return false
	}
	return a.bf == b.bf && a.str == b.str && a.width == b.width && a.ctxField == b.ctxField && a.index == b.index
}
