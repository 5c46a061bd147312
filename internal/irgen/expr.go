package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"math"
	"strconv"
	"strings"

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
		return g.index(g.expr(e.Object), g.key(e.Key), exprName(e))
	case *ast.FuncCallExpr:
		return g.call(e)
	case *ast.ArithmeticOpExpr:
		return g.arith(e.Operator, g.expr(e.Lhs), g.expr(e.Rhs))
	case *ast.UnaryMinusOpExpr:
		return g.arith("-", constOp(Int(0)), g.expr(e.Expr))
	case *ast.UnaryNotOpExpr, *ast.RelationalOpExpr, *ast.LogicalOpExpr:
		return g.condValue(e)
	case *ast.UnaryLenOpExpr:
		return g.length(g.expr(e.Expr))
	case *ast.StringConcatOpExpr:
		a, b := g.expr(e.Lhs), g.expr(e.Rhs)
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

// number parses a Lua number literal.
func (g *builder) number(s string) Value {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err == nil {
			return Int(int64(u))
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		g.errorf("malformed number %q", s)
	}
	return floatValue(f)
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
	case opStack, opMapVal:
		if o.isNumeric() {
			return g.loadScalar(o)
		}
	}
	g.errorf("%s must be a number, but it is %s", what, o.kindName())
	return nil
}

// arith lowers a binary arithmetic operator.
func (g *builder) arith(op string, a, b operand) operand {
	// Compile-time arithmetic.
	if a.kind == opConst && b.kind == opConst {
		return constOp(g.constArith(op, a, b))
	}
	// Pointer arithmetic on packet positions counts bytes.
	if a.kind == opPkt || b.kind == opPkt {
		return g.pktArith(op, a, b)
	}
	x, y := g.toInt(a, "the left operand of '"+op+"'"), g.toInt(b, "the right operand of '"+op+"'")
	signed := !(x.Type.NonNegative() && y.Type.NonNegative())
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
		if signed && mayBeNegative(x, y) {
			irop = ir.OpSDiv
		}
	case "%":
		irop = ir.OpMod
		if c, ok := y.IsConst(); ok && c > 0 && c&(c-1) == 0 {
			// Lua's modulo takes the divisor's sign; for a positive power
			// of two that is a mask, whatever x's sign.
			return intOp(g.value(ir.OpAnd, ir.I64, x, g.konst(c-1)))
		}
		if signed && mayBeNegative(x, y) {
			irop = ir.OpSMod
		}
	case "^":
		g.errorf("'^' (power) is not supported in kernel functions; use bit.lshift for powers of two")
	default:
		g.errorf("unknown operator %q", op)
	}
	return intOp(g.value(irop, ir.I64, x, y))
}

// mayBeNegative reports whether either value could be negative.
func mayBeNegative(vs ...*ir.Value) bool {
	for _, v := range vs {
		if c, ok := v.IsConst(); ok {
			if c < 0 {
				return true
			}
			continue
		}
		if !v.Type.NonNegative() {
			return true
		}
	}
	return false
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
		// Integer division, truncating, as at run time.
		if y == 0 {
			g.errorf("division by zero")
		}
		return Int(x / y)
	case "%":
		// As at run time: a mask for positive powers of two (which is
		// Lua's floored modulo), C's remainder otherwise.
		if y == 0 {
			g.errorf("modulo by zero")
		}
		if y > 0 && y&(y-1) == 0 {
			return Int(x & (y - 1))
		}
		return Int(x % y)
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
	case opStack, opMapVal:
		if o.ct.Kind == ctype.Array && o.ct.Len >= 0 {
			return constOp(Int(o.ct.Len))
		}
	}
	g.errorf("'#' needs a string, a map or an array; this is %s", o.kindName())
	return operand{}
}
