package passes

import (
	"math/bits"

	"github.com/luabpf/luabpf/internal/ir"
)

// eval computes op on constants as the BPF machine would (64-bit,
// division by zero gives 0 and modulo by zero leaves the dividend), and
// reports whether it could.
func eval(op ir.Op, a, b int64) (int64, bool) {
	ua, ub := uint64(a), uint64(b)
	switch op {
	case ir.OpAdd:
		return a + b, true
	case ir.OpSub:
		return a - b, true
	case ir.OpMul:
		return a * b, true
	case ir.OpDiv:
		if ub == 0 {
			return 0, true
		}
		return int64(ua / ub), true
	case ir.OpMod:
		if ub == 0 {
			return a, true
		}
		return int64(ua % ub), true
	case ir.OpSDiv:
		if b == 0 {
			return 0, true
		}
		if b == -1 {
			return -a, true
		}
		return a / b, true
	case ir.OpSMod:
		if b == 0 {
			return a, true
		}
		if b == -1 {
			return 0, true
		}
		return a % b, true
	case ir.OpAnd:
		return a & b, true
	case ir.OpOr:
		return a | b, true
	case ir.OpXor:
		return a ^ b, true
	case ir.OpLsh:
		return int64(ua << (ub & 63)), true
	case ir.OpRsh:
		return int64(ua >> (ub & 63)), true
	case ir.OpArsh:
		return a >> (ub & 63), true
	case ir.OpNeg:
		return -a, true
	case ir.OpNot:
		return ^a, true
	case ir.OpBswap16:
		return int64(bits.ReverseBytes16(uint16(a))), true
	case ir.OpBswap32:
		return int64(bits.ReverseBytes32(uint32(a))), true
	case ir.OpBswap64:
		return int64(bits.ReverseBytes64(ua)), true
	case ir.OpEq:
		return b2i(a == b), true
	case ir.OpNe:
		return b2i(a != b), true
	case ir.OpLt:
		return b2i(ua < ub), true
	case ir.OpLe:
		return b2i(ua <= ub), true
	case ir.OpGt:
		return b2i(ua > ub), true
	case ir.OpGe:
		return b2i(ua >= ub), true
	case ir.OpSLt:
		return b2i(a < b), true
	case ir.OpSLe:
		return b2i(a <= b), true
	case ir.OpSGt:
		return b2i(a > b), true
	case ir.OpSGe:
		return b2i(a >= b), true
	case ir.OpTst:
		return b2i(a&b != 0), true
	}
	return 0, false
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// bitsOf returns how many low bits of t's values may be non-zero: 64
// unless t is an unsigned integer narrower than 64 bits, or a bool.
func bitsOf(t ir.Type) uint {
	switch {
	case t.Kind == ir.KBool:
		return 1
	case t.Kind == ir.KInt && !t.Signed:
		return uint(t.Size) * 8
	}
	return 64
}

// fitsBits reports whether c, as an unsigned number, fits in n bits.
func fitsBits(c int64, n uint) bool {
	return n >= 64 || uint64(c)>>n == 0
}
