package irgen

import (
	"strings"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/yuin/gopher-lua/ast"
)

// Lua evaluates operands left to right, and a call of one of the
// script's functions (inlined) may store to a map or the packet. A
// memory operand is read only where its value is used, so one read
// before such a call must be read before the call is lowered: in
// `a[2] - f()`, a[2] is the value before f stores it.

// settleBefore reads o now when it is a number in memory and later
// holds a call that may store.
func (g *builder) settleBefore(o operand, later ...ast.Expr) operand {
	if o.kind != opMem || o.m.ptr || !o.isNumeric() {
		return o
	}
	for _, e := range later {
		if g.mayStore(e) {
			return g.numOp(o, "the operand")
		}
	}
	return o
}

// pair evaluates a binary operator's operands in Lua's order.
func (g *builder) pair(lhs, rhs ast.Expr) (operand, operand) {
	a := g.settleBefore(g.expr(lhs), rhs)
	return a, g.expr(rhs)
}

// mayStore reports whether evaluating e may call one of the script's
// functions, which kernel code inlines and which may store.
func (g *builder) mayStore(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.FuncCallExpr:
		if g.callsScript(e.Func) {
			return true
		}
		if e.Receiver != nil && g.mayStore(e.Receiver) {
			return true
		}
		for _, a := range e.Args {
			if g.mayStore(a) {
				return true
			}
		}
		return g.mayStore(e.Func)
	case *ast.AttrGetExpr:
		return g.mayStore(e.Object) || g.mayStore(e.Key)
	case *ast.ArithmeticOpExpr:
		return g.mayStore(e.Lhs) || g.mayStore(e.Rhs)
	case *ast.RelationalOpExpr:
		return g.mayStore(e.Lhs) || g.mayStore(e.Rhs)
	case *ast.LogicalOpExpr:
		return g.mayStore(e.Lhs) || g.mayStore(e.Rhs)
	case *ast.StringConcatOpExpr:
		return g.mayStore(e.Lhs) || g.mayStore(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		return g.mayStore(e.Expr)
	case *ast.UnaryNotOpExpr:
		return g.mayStore(e.Expr)
	case *ast.UnaryLenOpExpr:
		return g.mayStore(e.Expr)
	}
	return false
}

// callsScript reports whether callee may name one of the script's
// functions: a free name bound to one, a local (which could hold one),
// or a field that is not a builtin's name.
func (g *builder) callsScript(callee ast.Expr) bool {
	switch c := callee.(type) {
	case *ast.IdentExpr:
		if g.fn.Refs[c] != nil {
			return true
		}
		if v, ok := g.env.Upvalue(c.Value); ok {
			_, f := v.(*value.Func)
			return f
		}
		if _, ok := builtinName(c.Value); ok {
			return false
		}
		if v, ok := g.env.Global(c.Value); ok {
			_, f := v.(*value.Func)
			return f
		}
		return false
	case *ast.AttrGetExpr:
		if _, ok := builtinByName[exprName(c)]; ok {
			return false
		}
		root := c.Object
		for {
			a, ok := root.(*ast.AttrGetExpr)
			if !ok {
				break
			}
			root = a.Object
		}
		id, ok := root.(*ast.IdentExpr)
		if !ok || g.fn.Refs[id] != nil {
			// A field of a local is a packet slice or a member, not a
			// function of the script.
			return !ok
		}
		switch id.Value {
		case "pkt", "eth", "bit", "math", "ffi", "table", "string":
			return false
		}
		return true
	}
	return true
}

// numericArgs reports whether the callee takes its arguments as values
// (the script's functions and the arithmetic builtins), so each is read
// before the arguments after it run; other builtins take memory as
// places (xadd's entry, ffi.copy's destination) and read it themselves.
func numericArgs(fn operand) bool {
	if fn.kind != opConst {
		return false
	}
	switch c := fn.c.(type) {
	case *value.Func:
		return true
	case Builtin:
		switch name := string(c); {
		case strings.HasPrefix(name, "bit."), strings.HasPrefix(name, "math."):
			return true
		case name == "ntoh", name == "hton", name == "tonumber":
			return true
		}
	}
	return false
}
