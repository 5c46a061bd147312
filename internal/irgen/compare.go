package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
)

// cmpOps maps Lua's relational operators to unsigned and signed IR ops.
var cmpOps = map[string][2]ir.Op{
	"==": {ir.OpEq, ir.OpEq},
	"~=": {ir.OpNe, ir.OpNe},
	"<":  {ir.OpLt, ir.OpSLt},
	"<=": {ir.OpLe, ir.OpSLe},
	">":  {ir.OpGt, ir.OpSGt},
	">=": {ir.OpGe, ir.OpSGe},
}

// compare lowers a relational operator to a comparison operand: a
// compile-time Bool, or a Bool-typed IR value.
func (g *builder) compare(op string, a, b operand) operand {
	if anyPoison(a, b) {
		return poisonOp()
	}
	if a.kind == opConst && b.kind == opConst {
		return constOp(Bool(g.constCompare(op, a, b)))
	}
	if b.kind == opConst && a.kind != opConst {
		// keep constants on the right
	} else if a.kind == opConst {
		a, b = b, a
		op = mirror(op)
	}
	if _, isNil := b.c.(Nil); b.kind == opConst && isNil {
		return g.compareNil(op, a)
	}
	if s, isStr := b.c.(String); b.kind == opConst && isStr {
		return g.compareString(op, a, string(s))
	}
	if a.kind == opPkt || b.kind == opPkt {
		return g.compareInts(op, g.pktComparable(a), g.pktComparable(b))
	}
	return g.compareInts(op, g.toInt(a, "the left side of '"+op+"'"), g.toInt(b, "the right side of '"+op+"'"))
}

// mirror returns the operator with its operands exchanged.
func mirror(op string) string {
	switch op {
	case "<":
		return ">"
	case ">":
		return "<"
	case "<=":
		return ">="
	case ">=":
		return "<="
	}
	return op
}

// compareInts compares two integers: unsigned when one is uint64_t,
// else signed (which is the unsigned comparison when neither can be
// negative).
func (g *builder) compareInts(op string, x, y *ir.Value) operand {
	ops, ok := cmpOps[op]
	if !ok {
		g.errorf("unknown comparison %q", op)
	}
	irop := ops[0]
	if g.signedOp(x, y) {
		irop = ops[1]
	}
	return intOp(g.value(irop, ir.Bool, x, y))
}

func (g *builder) constCompare(op string, a, b operand) bool {
	x, xok := a.constInt()
	y, yok := b.constInt()
	_, an := a.c.(Nil)
	_, bn := b.c.(Nil)
	if xok && yok {
		if (an || bn) && op != "==" && op != "~=" {
			g.errorf("cannot order nil")
		}
		// Numbers, booleans and nil compare as integers: x == nil is
		// true exactly when x is 0, as at run time.
		switch op {
		case "==":
			return x == y
		case "~=":
			return x != y
		case "<":
			return x < y
		case "<=":
			return x <= y
		case ">":
			return x > y
		case ">=":
			return x >= y
		}
	}
	sa, aok := a.c.(String)
	sb, bok := b.c.(String)
	if aok && bok {
		switch op {
		case "<":
			return sa < sb
		case "<=":
			return sa <= sb
		case ">":
			return sa > sb
		case ">=":
			return sa >= sb
		}
	}
	switch op {
	case "==":
		return sameValue(a.c, b.c)
	case "~=":
		return !sameValue(a.c, b.c)
	}
	g.errorf("cannot order %s and %s", a.kindName(), b.kindName())
	return false
}

// compareNil compares an operand with nil: a map lookup (or an
// aggregate inside one) is a null check, numbers (map value members
// included) compare with 0, other pointers are never nil.
func (g *builder) compareNil(op string, a operand) operand {
	if op != "==" && op != "~=" {
		g.errorf("cannot order nil")
	}
	switch a.kind {
	case opMem:
		if a.m.ptr {
			break // the address, compared with 0
		}
		if !a.isMember() {
			pl, nullable := a.m.mem.address(g)
			if !nullable {
				return constOp(Bool(op == "~="))
			}
			irop := ir.OpEq
			if op == "~=" {
				irop = ir.OpNe
			}
			return intOp(g.value(irop, ir.Bool, pl.p, g.konst(0)))
		}
	case opPkt, opCtx:
		return constOp(Bool(op == "~="))
	}
	return g.compareInts(op, g.toInt(a, "the value compared with nil"), g.konst(0))
}

// pktComparable turns a packet position or number into a comparable
// integer (positions compare as offsets: `data + 7 > skb.len`).
func (g *builder) pktComparable(o operand) *ir.Value {
	if o.kind == opPkt {
		return g.pktOffset(o)
	}
	return g.toInt(o, "the value compared with a packet position")
}

// compareString compares an operand with a string literal.
func (g *builder) compareString(op string, a operand, s string) operand {
	eq := op == "=="
	if !eq && op != "~=" {
		g.errorf("strings can only be compared with == or ~= in kernel functions")
	}
	switch a.kind {
	case opInt:
		if (a.width == 0 || a.str == strNone) && len(s) == 1 {
			return g.compareInts(op, a.v, g.konst(int64(s[0])))
		}
		if a.width == 0 || a.str == strNone {
			g.errorf("cannot compare a number with the string %q; compare with a packet slice (data(0, %d)) or a char array", s, len(s))
		}
		if a.width != len(s) {
			g.errorf("comparing a %d-byte value with the %d-byte string %q; they can never be equal", a.width, len(s), s)
		}
		return g.compareInts(op, a.v, g.konst(pack(s, a.str)))
	case opPkt:
		return g.memCompareValue(eq, a, s)
	case opMem:
		if a.m.ptr {
			// The bytes a pointer points to: copied to the stack first.
			return g.memCompareValue(eq, g.pointeeBuffer(a, len(s)+1), s)
		}
		if !a.isNumeric() {
			return g.memCompareValue(eq, a, s)
		}
		return g.compareString(op, g.numOp(a, "the value"), s)
	}
	g.errorf("cannot compare %s with a string", a.kindName())
	return operand{}
}

// pack turns up to 8 bytes of s into a number read in the given order.
func pack(s string, order strOrder) int64 {
	var v uint64
	for i := 0; i < len(s); i++ {
		if order == strBE {
			v = v<<8 | uint64(s[i])
		} else {
			v |= uint64(s[i]) << (8 * i)
		}
	}
	return int64(v)
}
