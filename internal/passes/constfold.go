package passes

import (
	"math/bits"

	"github.com/luabpf/luabpf/internal/ir"
)

// constfold evaluates operations on constants and applies the algebraic
// rules below until nothing changes. Results stay 64-bit, as the BPF
// machine computes them.
func constfold(f *ir.Func) {
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if foldValue(v) {
					changed = true
				}
			}
		}
	}
}

// A rule rewrites a value whose second argument is the constant c. It
// returns false when it does not apply.
type rule struct {
	doc string
	op  ir.Op
	fn  func(v *ir.Value, x *ir.Value, c int64) bool
}

// rules are tried in order on values whose second argument is constant
// (constfold first moves constants of commutative ops and comparisons to
// the right).
var rules = []rule{
	{"x << c → x << (c & 63), likewise >> and s>>", ir.OpLsh, normShift},
	{"x >> c → x >> (c & 63)", ir.OpRsh, normShift},
	{"x s>> c → x s>> (c & 63)", ir.OpArsh, normShift},
	{"x + 0 → x", ir.OpAdd, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x - c → x + -c", ir.OpSub, func(v, x *ir.Value, c int64) bool { return rewriteConstArg(v, ir.OpAdd, -c) }},
	{"x * 1 → x", ir.OpMul, func(v, x *ir.Value, c int64) bool { return c == 1 && copyOf(v, x) }},
	{"x * 0 → 0", ir.OpMul, func(v, x *ir.Value, c int64) bool { return c == 0 && toConst(v, 0) }},
	{"x * 2^k → x << k", ir.OpMul, func(v, x *ir.Value, c int64) bool {
		return c > 1 && c&(c-1) == 0 && rewriteConstArg(v, ir.OpLsh, int64(bits.TrailingZeros64(uint64(c))))
	}},
	// The BPF machine defines division by zero as 0 and modulo by zero as
	// the dividend, and the verifier rejects an immediate 0 divisor.
	{"x / 0 → 0", ir.OpDiv, func(v, x *ir.Value, c int64) bool { return c == 0 && toConst(v, 0) }},
	{"x s/ 0 → 0", ir.OpSDiv, func(v, x *ir.Value, c int64) bool { return c == 0 && toConst(v, 0) }},
	{"x % 0 → x", ir.OpMod, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x s% 0 → x", ir.OpSMod, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x / 1 → x", ir.OpDiv, func(v, x *ir.Value, c int64) bool { return c == 1 && copyOf(v, x) }},
	{"x / 2^k → x >> k", ir.OpDiv, func(v, x *ir.Value, c int64) bool {
		return c > 1 && c&(c-1) == 0 && rewriteConstArg(v, ir.OpRsh, int64(bits.TrailingZeros64(uint64(c))))
	}},
	{"x % 2^k → x & (2^k-1)", ir.OpMod, func(v, x *ir.Value, c int64) bool {
		return c > 0 && c&(c-1) == 0 && rewriteConstArg(v, ir.OpAnd, c-1)
	}},
	{"x & 0 → 0", ir.OpAnd, func(v, x *ir.Value, c int64) bool { return c == 0 && toConst(v, 0) }},
	{"x & mask → x when x has no bits outside mask", ir.OpAnd, func(v, x *ir.Value, c int64) bool {
		n := bitsOf(x.Type)
		return n < 64 && uint64(c)&(1<<n-1) == 1<<n-1 && copyOf(v, x)
	}},
	{"x | 0 → x", ir.OpOr, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x ^ 0 → x", ir.OpXor, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x << 0 → x", ir.OpLsh, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x >> 0 → x", ir.OpRsh, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
	{"x >> k → 0 when x has no bits at k or above", ir.OpRsh, func(v, x *ir.Value, c int64) bool {
		return uint(c&63) >= bitsOf(x.Type) && toConst(v, 0)
	}},
	{"x s>> 0 → x", ir.OpArsh, func(v, x *ir.Value, c int64) bool { return c == 0 && copyOf(v, x) }},
}

// normShift rewrites a shift by a constant outside 0..63 to a shift by
// the count modulo 64, as the machine takes it, so the rules after it
// (and emission's immediate form) see the count that takes effect.
func normShift(v, x *ir.Value, c int64) bool {
	if c >= 0 && c < 64 {
		return false
	}
	return rewriteConstArg(v, v.Op, c&63)
}

func foldValue(v *ir.Value) bool {
	if v.Op != ir.OpPhi {
		for i, a := range v.Args {
			if a.Op == ir.OpCopy && a.Args[0] != a {
				v.SetArg(i, copySource(a))
			}
		}
	}
	switch len(v.Args) {
	case 1:
		return foldUnary(v)
	case 2:
		return foldBinary(v)
	}
	return false
}

func foldUnary(v *ir.Value) bool {
	a := v.Args[0]
	if c, ok := a.IsConst(); ok {
		if r, ok := eval(v.Op, c, 0); ok {
			return toConst(v, r)
		}
		return false
	}
	// Byte swaps undo each other: bswap16(bswap16(x)) is x when x fits
	// in 16 bits.
	if w := swapBits(v.Op); w > 0 && a.Op == v.Op && bitsOf(a.Args[0].Type) <= w {
		return copyOf(v, a.Args[0])
	}
	if (v.Op == ir.OpNeg || v.Op == ir.OpNot) && a.Op == v.Op {
		return copyOf(v, a.Args[0])
	}
	return false
}

func swapBits(op ir.Op) uint {
	switch op {
	case ir.OpBswap16:
		return 16
	case ir.OpBswap32:
		return 32
	case ir.OpBswap64:
		return 64
	}
	return 0
}

func foldBinary(v *ir.Value) bool {
	if !isArith(v.Op) && !v.Op.IsCompare() {
		return false
	}
	a, b := v.Args[0], v.Args[1]
	ca, aok := a.IsConst()
	cb, bok := b.IsConst()
	if aok && bok {
		r, _ := eval(v.Op, ca, cb)
		return toConst(v, r)
	}
	// Constants go right: commutative ops swap, comparisons mirror.
	if aok && (v.Op.IsCommutative() || v.Op.IsCompare()) {
		v.Op = v.Op.Swap()
		v.Args[0], v.Args[1] = b, a
		return true
	}
	if a == b {
		if r, ok := sameArgs(v.Op); ok {
			return toConst(v, r)
		}
	}
	if !bok {
		return false
	}
	if v.Op.IsCompare() {
		return foldCompare(v, a, cb)
	}
	for _, r := range rules {
		if r.op == v.Op && r.fn(v, a, cb) {
			return true
		}
	}
	return reassociate(v, a, cb)
}

func isArith(op ir.Op) bool {
	switch op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpSDiv, ir.OpMod, ir.OpSMod,
		ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpLsh, ir.OpRsh, ir.OpArsh:
		return true
	}
	return false
}

// sameArgs folds x op x.
func sameArgs(op ir.Op) (int64, bool) {
	switch op {
	case ir.OpSub, ir.OpXor:
		return 0, true
	case ir.OpEq, ir.OpLe, ir.OpGe, ir.OpSLe, ir.OpSGe:
		return 1, true
	case ir.OpNe, ir.OpLt, ir.OpGt, ir.OpSLt, ir.OpSGt:
		return 0, true
	}
	return 0, false
}

// reassociate folds chains of the same associative op with constants:
// (x + c1) + c2 → x + (c1+c2), likewise for &, |, ^, and shifts of
// shifts: (x << a) << b → x << (a+b), or 0 when a+b >= 64.
func reassociate(v, a *ir.Value, c int64) bool {
	if a.Op != v.Op || len(a.Args) != 2 {
		return false
	}
	c1, ok := a.Args[1].IsConst()
	if !ok {
		return false
	}
	var r int64
	switch v.Op {
	case ir.OpAdd:
		r = c1 + c
	case ir.OpAnd:
		r = c1 & c
	case ir.OpOr:
		r = c1 | c
	case ir.OpXor:
		r = c1 ^ c
	case ir.OpLsh, ir.OpRsh, ir.OpArsh:
		// Counts are taken modulo 64 (the rules normalise them, but a
		// may not have been visited yet). Shifting out all 64 bits
		// leaves 0; an arithmetic shift stops at the sign bit.
		n := c1&63 + c&63
		switch {
		case n < 64:
			r = n
		case v.Op == ir.OpArsh:
			r = 63
		default:
			return toConst(v, 0)
		}
	default:
		return false
	}
	x := a.Args[0]
	return setConstArg(v, x, r)
}

// foldCompare simplifies comparisons of x with the constant c.
func foldCompare(v, x *ir.Value, c int64) bool {
	if x.Type.Kind == ir.KBool {
		return foldBoolCompare(v, x, c)
	}
	n := bitsOf(x.Type)
	// Comparisons that cannot be true or false given x's width.
	if !fitsBits(c, n) && x.Type.NonNegative() {
		switch v.Op {
		case ir.OpEq:
			return toConst(v, 0)
		case ir.OpNe:
			return toConst(v, 1)
		case ir.OpLt, ir.OpLe:
			if c > 0 {
				return toConst(v, 1)
			}
		case ir.OpGt, ir.OpGe:
			if c > 0 {
				return toConst(v, 0)
			}
		}
	}
	// Unsigned x < 1 is x == 0, x >= 1 is x != 0, x > 0 is x != 0.
	switch {
	case v.Op == ir.OpLt && c == 1, v.Op == ir.OpLe && c == 0:
		v.Op = ir.OpEq
		return setConstArg(v, x, 0)
	case v.Op == ir.OpGe && c == 1, v.Op == ir.OpGt && c == 0:
		v.Op = ir.OpNe
		return setConstArg(v, x, 0)
	}
	// Equality through a byte swap compares the unswapped value with the
	// swapped constant, saving the swap.
	if (v.Op == ir.OpEq || v.Op == ir.OpNe) && swapBits(x.Op) > 0 {
		w := swapBits(x.Op)
		inner := x.Args[0]
		if bitsOf(inner.Type) <= w {
			if !fitsBits(c, w) {
				return toConst(v, b2i(v.Op == ir.OpNe))
			}
			r, _ := eval(x.Op, c, 0)
			return setConstArg(v, inner, r)
		}
	}
	// (x & m) != 0 is a bit test (JSET).
	if v.Op == ir.OpNe && c == 0 && x.Op == ir.OpAnd {
		if _, ok := x.Args[1].IsConst(); ok {
			v.Op = ir.OpTst
			v.SetArgs(x.Args[0], x.Args[1])
			return true
		}
	}
	return false
}

// foldBoolCompare simplifies a comparison of the bool x (0 or 1) with
// the constant c by what it gives for each of x's two values: always the
// same (a constant), x itself, or x's negation.
func foldBoolCompare(v, x *ir.Value, c int64) bool {
	r0, _ := eval(v.Op, 0, c)
	r1, _ := eval(v.Op, 1, c)
	switch {
	case r0 == r1:
		return toConst(v, r0)
	case r1 == 1:
		return copyOf(v, x)
	case x.Op.IsCompare() && x.Op.Negate() != ir.OpInvalid:
		v.Op = x.Op.Negate()
		v.SetArgs(x.Args[0], x.Args[1])
		return true
	case v.Op != ir.OpEq || c != 0:
		v.Op = ir.OpEq
		return setConstArg(v, x, 0)
	}
	return false
}

// copyOf makes v a copy of x; v takes x's (possibly narrower) type.
func copyOf(v, x *ir.Value) bool {
	v.ResetCopy(x)
	v.Type = x.Type
	return true
}

func toConst(v *ir.Value, c int64) bool {
	v.ResetConst(c)
	if v.Type.Kind != ir.KBool {
		v.Type = ir.I64
	}
	return true
}

// rewriteConstArg turns v into op(v.Args[0], c).
func rewriteConstArg(v *ir.Value, op ir.Op, c int64) bool {
	v.Op = op
	return setConstArg(v, v.Args[0], c)
}

// setConstArg makes v's arguments (x, new constant c). The constant is
// placed right before v.
func setConstArg(v, x *ir.Value, c int64) bool {
	b := v.Block
	i := b.Index(v)
	k := b.NewValueAt(i, ir.OpConst, ir.I64, v.Line)
	k.AuxInt = c
	v.SetArgs(x, k)
	return true
}
