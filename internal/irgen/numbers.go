package irgen

import (
	"math/bits"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// The C view of numbers (README, "Numbers in kernel functions"): every
// value is a 64-bit integer whose IR type is its C type. uint64_t is the
// one type that makes an operation unsigned, as C's usual arithmetic
// conversions do; every narrower type converts to int64_t, which holds
// all its values, so other operations are signed. Literals, upvalues and
// results of arithmetic are int64_t.

// isU64 reports whether t is uint64_t.
func isU64(t ir.Type) bool { return t.Kind == ir.KInt && t.Size == 8 && !t.Signed }

// anyU64 reports whether an operation on vs is unsigned: one of them is
// uint64_t.
func anyU64(vs ...*ir.Value) bool {
	for _, v := range vs {
		if isU64(v.Type) {
			return true
		}
	}
	return false
}

// resultType is the C type of an arithmetic result on vs: uint64_t when
// an operand is, int64_t otherwise.
func resultType(vs ...*ir.Value) ir.Type {
	if anyU64(vs...) {
		return ir.U64
	}
	return ir.I64
}

// mayBeNegative reports whether any of vs could be negative as an
// int64_t. When none can, a signed operation gives what the unsigned one
// does, and the unsigned one is what every BPF version has.
func (g *builder) mayBeNegative(vs ...*ir.Value) bool {
	for _, v := range vs {
		if g.valueBits(v) < 0 {
			return true
		}
	}
	return false
}

// signedOp reports whether an operation on x and y must be the signed
// one: no operand is uint64_t and one of them may be negative.
func (g *builder) signedOp(x, y *ir.Value) bool { return !anyU64(x, y) && g.mayBeNegative(x, y) }

// phiType returns the type of phi, a value that is one of args on
// different paths, as C's conditional operator converts its operands:
// uint64_t if one is, their common type, else int64_t, narrowed (see
// narrowType) when all are known non-negative.
func (g *builder) phiType(phi *ir.Value, args []*ir.Value) ir.Type {
	if anyU64(args...) {
		return ir.U64
	}
	t := args[0].Type
	allSame := true
	n := 0
	for _, a := range args {
		allSame = allSame && a.Type == t
		if b := g.valueBits(a); n >= 0 && b >= 0 {
			n = max(n, b)
		} else {
			n = -1
		}
	}
	if allSame && t.Kind == ir.KInt {
		return t
	}
	return g.rangeType(phi, n)
}

// retype gives v the C type t without changing its bits (a cast between
// int64_t and uint64_t).
func (g *builder) retype(v *ir.Value, t ir.Type) *ir.Value {
	if v.Type == t {
		return v
	}
	if c, ok := v.IsConst(); ok {
		return g.b.NewConst(t, c, g.line)
	}
	return g.value(ir.OpCopy, t, v)
}

// boolOf is x converted to C's bool: 1 for any non-zero value, else 0.
func (g *builder) boolOf(x *ir.Value) *ir.Value {
	if x.Type.Kind == ir.KBool {
		return x
	}
	if c, ok := x.IsConst(); ok {
		return g.konst(b2i(c != 0))
	}
	return g.value(ir.OpNe, ir.Bool, x, g.konst(0))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// isBool reports whether values of ct are C bools (stored as 0 or 1).
func isBool(ct *ctype.Type) bool { return ct != nil && ct.Kind == ctype.Bool }

// divide computes x / y on int64_t constants as the BPF machine and C on
// it agree: truncating toward zero, 0 for a zero divisor, and
// INT64_MIN / -1 wrapping to INT64_MIN.
func divide(x, y int64) int64 {
	switch y {
	case 0:
		return 0
	case -1:
		return -x
	}
	return x / y
}

// remainder computes x % y on int64_t constants: the remainder takes
// the dividend's sign, x % 0 is x and x % -1 is 0.
func remainder(x, y int64) int64 {
	switch y {
	case 0:
		return x
	case -1:
		return 0
	}
	return x % y
}

// valueBits is how many low bits the value of v may use when it cannot
// be negative, or -1 when it may be (or nothing is known).
func (g *builder) valueBits(v *ir.Value) int {
	if c, ok := v.IsConst(); ok {
		if c < 0 {
			return -1
		}
		return bits.Len64(uint64(c))
	}
	if n, ok := g.bits[v]; ok {
		return n
	}
	switch {
	case v.Type.Kind == ir.KBool:
		return 1
	case v.Type.NonNegative():
		return int(v.Type.Size) * 8
	}
	return -1
}

// narrowType sets the type of v, the int64_t result of op on x and y:
// the narrowest unsigned type holding every value it can have when that
// is known to be non-negative and below 2^32, else int64_t. A narrow
// type converts back to int64_t in every operation, so this changes no
// result; it lets later operations on the value use unsigned
// instructions (which every BPF version has) and passes drop masks.
// How many bits a non-negative result needs is kept (in g.bits) beyond
// what the type says, so that sums of bytes in an unrolled loop stay
// known to be non-negative.
func (g *builder) narrowType(v *ir.Value, op ir.Op, x, y *ir.Value) {
	bx, by := g.valueBits(x), g.valueBits(y)
	k, kok := y.IsConst()
	kok = kok && k >= 0 && k < 64
	n := -1
	switch op {
	case ir.OpAdd:
		if bx >= 0 && by >= 0 {
			n = max(bx, by) + 1
		}
	case ir.OpMul:
		if bx >= 0 && by >= 0 {
			n = bx + by
		}
	case ir.OpDiv, ir.OpMod:
		// Unsigned, so both are non-negative; the result is at most x.
		if bx >= 0 && by >= 0 {
			n = bx
		}
	case ir.OpAnd:
		switch {
		case bx >= 0 && by >= 0:
			n = min(bx, by)
		case bx >= 0:
			n = bx
		case by >= 0:
			n = by
		}
	case ir.OpOr, ir.OpXor:
		if bx >= 0 && by >= 0 {
			n = max(bx, by)
		}
	case ir.OpLsh:
		if bx >= 0 && kok {
			n = bx + int(k)
		}
	case ir.OpRsh, ir.OpArsh:
		switch {
		case bx >= 0 && kok:
			n = max(bx-int(k), 0)
		case op == ir.OpRsh && kok && k > 0:
			n = 64 - int(k)
		}
	}
	v.Type = g.rangeType(v, n)
}

// rangeType records that v is non-negative and needs n bits (nothing
// when n is negative) and returns the type that says as much: a narrow
// unsigned one up to 32 bits, else int64_t.
func (g *builder) rangeType(v *ir.Value, n int) ir.Type {
	if n < 0 || n > 63 {
		return ir.I64
	}
	g.bits[v] = n
	if n > 32 {
		return ir.I64
	}
	return ir.Int(roundSize(max((n+7)/8, 1)), false)
}
