package irgen

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/yuin/gopher-lua/ast"
)

func (g *builder) expr(e ast.Expr) operand {
	if l := e.Line(); l > 0 {
		g.line = l
	}
	switch e := e.(type) {
	case *ast.NilExpr:
		return constOp(Nil{})
	case *ast.TrueExpr:
		return constOp(Bool(true))
	case *ast.FalseExpr:
		return constOp(Bool(false))
	case *ast.NumberExpr:
		return constOp(g.number(e.Value))
	case *ast.StringExpr:
		return constOp(String(e.Value))
	case *ast.IdentExpr:
		if l := g.fn.Refs[e]; l != nil {
			return g.read(l, g.b)
		}
		return g.free(e.Value)
	case *ast.AttrGetExpr:
		obj, key := g.expr(e.Object), g.key(e.Key)
		if anyPoison(obj, key) {
			return poisonOp()
		}
		return g.index(obj, key, exprName(e))
	case *ast.FuncCallExpr:
		return g.call(e)
	case *ast.ArithmeticOpExpr:
		a, b := g.pair(e.Lhs, e.Rhs)
		return g.arith(e.Operator, a, b)
	case *ast.UnaryMinusOpExpr:
		return g.arith("-", constOp(Int(0)), g.expr(e.Expr))
	case *ast.UnaryNotOpExpr, *ast.RelationalOpExpr, *ast.LogicalOpExpr:
		return g.condValue(e)
	case *ast.UnaryLenOpExpr:
		o := g.expr(e.Expr)
		if anyPoison(o) {
			return o
		}
		return g.length(o)
	case *ast.StringConcatOpExpr:
		a, b := g.expr(e.Lhs), g.expr(e.Rhs)
		if anyPoison(a, b) {
			return poisonOp()
		}
		as, aok := concatPart(a)
		bs, bok := concatPart(b)
		if !aok || !bok {
			g.errorf("strings cannot be built at run time in kernel functions; '..' only joins strings and numbers known at compile time")
		}
		return constOp(String(as + bs))
	}
	g.errorf("this expression is not supported in kernel functions")
	return operand{}
}

func concatPart(o operand) (string, bool) {
	if o.kind != opConst {
		return "", false
	}
	switch c := o.c.(type) {
	case String:
		return string(c), true
	case Int:
		return strconv.FormatInt(int64(c), 10), true
	}
	return "", false
}

// key evaluates an index expression; a.b has the string key "b".
func (g *builder) key(e ast.Expr) operand { return g.expr(e) }

// number parses a Lua number literal. Integers are exact: a hex
// literal is its 64-bit pattern, a decimal one must be in int64_t's
// range; numbers with a fraction or an exponent stay floats (they only
// take part in constant arithmetic).
func (g *builder) number(s string) Value {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err == nil {
			return Int(int64(u))
		}
		if errors.Is(err, strconv.ErrRange) {
			g.errorf("the number %s does not fit in 64 bits", s)
		}
	} else if isDecimalInt(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			g.errorf("the number %s is beyond the range of kernel integers (int64_t, up to 9223372036854775807); write a larger 64-bit pattern in hex, as in 0x8000000000000000", s)
		}
		return Int(n)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		g.errorf("malformed number %q", s)
	}
	return floatValue(f)
}

// isDecimalInt reports whether s is a decimal integer literal (digits
// only: no fraction, no exponent).
func isDecimalInt(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// floatValue keeps integral numbers exact.
func floatValue(f float64) Value {
	if f == math.Trunc(f) && f >= -(1<<63) && f < (1<<63) {
		return Int(int64(f))
	}
	return Float(f)
}

// exprName renders an index chain like pkt.ip.proto for messages.
func exprName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.IdentExpr:
		return e.Value
	case *ast.AttrGetExpr:
		base := exprName(e.Object)
		if s, ok := e.Key.(*ast.StringExpr); ok {
			return base + "." + s.Value
		}
		return base + "[...]"
	case *ast.FuncCallExpr:
		if e.Func != nil {
			return exprName(e.Func) + "(...)"
		}
	}
	return "expression"
}

// toInt returns o as an integer value, reading memory when o points at
// a number.
func (g *builder) toInt(o operand, what string) *ir.Value {
	g.usePoison(o)
	switch o.kind {
	case opInt:
		return o.v
	case opConst:
		if c, ok := o.constInt(); ok {
			return g.konst(c)
		}
		if f, ok := o.c.(Float); ok {
			g.errorf("%s is %v, not an integer; kernel code has only integers", what, float64(f))
		}
		if s, ok := o.c.(String); ok && len(s) == 1 {
			return g.konst(int64(s[0]))
		}
	case opMem:
		if o.m.ptr {
			return g.ptrValue(o)
		}
		if o.isNumeric() {
			return g.loadScalar(o)
		}
	}
	g.errorf("%s must be a number, but it is %s", what, o.kindName())
	return nil
}

// numOp reads o as an integer operand, keeping the width of the type it
// is read as (see typeWidth).
func (g *builder) numOp(o operand, what string) operand {
	if o.kind == opInt {
		return o
	}
	return operand{kind: opInt, v: g.toInt(o, what), width: typeWidth(o)}
}

// arith lowers a binary arithmetic operator.
func (g *builder) arith(op string, a, b operand) operand {
	if anyPoison(a, b) {
		return poisonOp()
	}
	// Compile-time arithmetic.
	if a.kind == opConst && b.kind == opConst {
		return constOp(g.constArith(op, a, b))
	}
	// Pointer arithmetic on packet positions counts bytes.
	if a.kind == opPkt || b.kind == opPkt {
		return g.pktArith(op, a, b)
	}
	x, y := g.toInt(a, "the left operand of '"+op+"'"), g.toInt(b, "the right operand of '"+op+"'")
	t := resultType(x, y)
	signed := g.signedOp(x, y)
	if op == "/" || op == "%" {
		if v, ok := g.divideBy(op, t, signed, x, y); ok {
			return intOp(v)
		}
	}
	var irop ir.Op
	switch op {
	case "+":
		irop = ir.OpAdd
	case "-":
		irop = ir.OpSub
	case "*":
		irop = ir.OpMul
	case "/":
		irop = ir.OpDiv
		if signed {
			irop = ir.OpSDiv
		}
	case "%":
		irop = ir.OpMod
		if c, ok := y.IsConst(); ok && c > 0 && c&(c-1) == 0 && (isU64(t) || !g.mayBeNegative(x)) {
			// A remainder by a power of two is a mask when the dividend
			// cannot be negative; a negative one keeps its sign (C).
			return intOp(g.arithValue(ir.OpAnd, t, x, g.konst(c-1)))
		}
		if signed {
			irop = ir.OpSMod
		}
	case "^":
		g.errorf("'^' (power) is not supported in kernel functions; use bit.lshift for powers of two")
	default:
		g.errorf("unknown operator %q", op)
	}
	return intOp(g.arithValue(irop, t, x, y))
}

// divideBy lowers x / c and x % c for the divisors whose result the
// BPF machine defines without dividing: 0 (x / 0 is 0, x % 0 is x; the
// verifier refuses a division by the constant 0) and, signed, -1
// (x / -1 is -x, wrapping for INT64_MIN, and x % -1 is 0).
func (g *builder) divideBy(op string, t ir.Type, signed bool, x, y *ir.Value) (*ir.Value, bool) {
	c, ok := y.IsConst()
	switch {
	case !ok:
		return nil, false
	case c == 0 && op == "/":
		return g.retype(g.konst(0), t), true
	case c == 0 && isU64(t):
		return g.retype(x, t), true
	case c == 0:
		return x, true // a narrower type converts to int64_t as it is
	case c == -1 && signed && op == "/":
		return g.value(ir.OpNeg, t, x), true
	case c == -1 && signed:
		return g.konst(0), true
	}
	return nil, false
}

// arithValue appends op on x and y, whose result has C type t.
func (g *builder) arithValue(op ir.Op, t ir.Type, x, y *ir.Value) *ir.Value {
	v := g.value(op, t, x, y)
	if !isU64(t) {
		g.narrowType(v, op, x, y)
	}
	return v
}

func (g *builder) constArith(op string, a, b operand) Value {
	x, xok := a.constInt()
	y, yok := b.constInt()
	if !xok || !yok {
		fa, faok := a.c.(Float)
		fb, fbok := b.c.(Float)
		if (xok || faok) && (yok || fbok) {
			if !faok {
				fa = Float(x)
			}
			if !fbok {
				fb = Float(y)
			}
			switch op {
			case "+":
				return floatValue(float64(fa + fb))
			case "-":
				return floatValue(float64(fa - fb))
			case "*":
				return floatValue(float64(fa * fb))
			case "/":
				return floatValue(float64(fa / fb))
			}
		}
		g.errorf("cannot apply '%s' to %s and %s", op, a.kindName(), b.kindName())
	}
	switch op {
	case "+":
		return Int(x + y)
	case "-":
		return Int(x - y)
	case "*":
		return Int(x * y)
	case "/":
		// C's division, as at run time (README): truncating, x / 0 is 0.
		return Int(divide(x, y))
	case "%":
		// C's remainder, as at run time: the dividend's sign, x % 0 is x.
		return Int(remainder(x, y))
	case "^":
		return floatValue(math.Pow(float64(x), float64(y)))
	}
	g.errorf("unknown operator %q", op)
	return nil
}

// length lowers '#x'.
func (g *builder) length(o operand) operand {
	switch o.kind {
	case opConst:
		switch c := o.c.(type) {
		case String:
			return constOp(Int(len(c)))
		case *Map:
			return constOp(Int(c.MaxEntries))
		}
	case opMem:
		if o.m.ct.Kind == ctype.Array && o.m.ct.Len >= 0 {
			return constOp(Int(o.m.ct.Len))
		}
	}
	g.errorf("'#' needs a string, a map or an array; this is %s", o.kindName())
	return operand{}
}
