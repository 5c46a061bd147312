package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/yuin/gopher-lua/ast"
)

// cond lowers e as a condition: control goes to t when it holds and to f
// otherwise. and/or short-circuit.
func (g *builder) cond(e ast.Expr, t, f *ir.Block) {
	if l := e.Line(); l > 0 {
		g.line = l
	}
	switch e := e.(type) {
	case *ast.UnaryNotOpExpr:
		g.cond(e.Expr, f, t)
		return
	case *ast.LogicalOpExpr:
		mid := g.newBlock()
		if e.Operator == "and" {
			g.cond(e.Lhs, mid, f)
		} else {
			g.cond(e.Lhs, t, mid)
		}
		g.enter(mid)
		if g.b != nil {
			g.cond(e.Rhs, t, f)
		}
		return
	case *ast.RelationalOpExpr:
		a, b := g.pair(e.Lhs, e.Rhs)
		c := g.compare(e.Operator, a, b)
		g.branchOn(c, t, f)
		return
	}
	g.branchOn(g.truth(g.expr(e)), t, f)
}

// branchOn branches on a condition operand: a compile-time constant jumps
// straight to its side.
func (g *builder) branchOn(c operand, t, f *ir.Block) {
	if g.b == nil {
		return
	}
	if c.kind == opPoison {
		// Unknown after an earlier error: lower both sides, to check them.
		g.branch(g.konst(0), t, f)
		return
	}
	if k, ok := c.constInt(); ok {
		if k != 0 {
			g.jump(t)
		} else {
			g.jump(f)
		}
		return
	}
	g.branch(c.v, t, f)
}

// truth turns an operand into a condition: non-zero numbers, non-null
// pointers and true are true; 0, nil, false and null are false.
func (g *builder) truth(o operand) operand {
	switch o.kind {
	case opPoison:
		return o
	case opConst:
		switch c := o.c.(type) {
		case Nil:
			return constOp(Bool(false))
		case Bool:
			return o
		case Int:
			return constOp(Bool(c != 0))
		}
		return constOp(Bool(true)) // tables, maps, strings exist
	case opInt:
		if o.v.Type.Kind == ir.KBool {
			return o
		}
		return intOp(g.value(ir.OpNe, ir.Bool, o.v, g.konst(0)))
	case opMem:
		// A member is its value, a pointer its address; an object is
		// true when it exists: the lookup itself (or an aggregate in it)
		// when the entry does.
		if o.m.ptr {
			return g.truth(intOp(g.ptrValue(o)))
		}
		if o.isMember() {
			return g.truth(intOp(g.loadScalar(o)))
		}
		if pl, nullable := o.m.mem.address(g); nullable {
			return intOp(g.value(ir.OpNe, ir.Bool, pl.p, g.konst(0)))
		}
		if o.isNumeric() {
			return g.truth(intOp(g.loadScalar(o)))
		}
	}
	return constOp(Bool(true))
}

// condValue evaluates a comparison or logical expression as a value.
func (g *builder) condValue(e ast.Expr) operand {
	switch e := e.(type) {
	case *ast.RelationalOpExpr:
		a, b := g.pair(e.Lhs, e.Rhs)
		return g.compare(e.Operator, a, b)
	case *ast.UnaryNotOpExpr:
		c := g.truth(g.expr(e.Expr))
		if c.kind == opPoison {
			return c
		}
		if k, ok := c.constInt(); ok {
			return constOp(Bool(k == 0))
		}
		return intOp(g.value(ir.OpEq, ir.Bool, c.v, g.konst(0)))
	case *ast.LogicalOpExpr:
		return g.logicalValue(e)
	}
	return g.expr(e)
}

// logicalValue lowers `a and b` / `a or b` as a value, with Lua's
// meaning: `a and b` is a when a is false, else b; `a or b` is a when a
// is true, else b.
func (g *builder) logicalValue(e *ast.LogicalOpExpr) operand {
	a := g.expr(e.Lhs)
	if a.kind == opPoison {
		g.expr(e.Rhs) // for its errors
		return a
	}
	ta := g.truth(a)
	if k, ok := ta.constInt(); ok {
		if (k != 0) == (e.Operator == "and") {
			return g.chosen(g.expr(e.Rhs), a, e.Operator)
		}
		return g.chosen(a, g.deadExpr(e.Rhs), e.Operator)
	}
	av := g.toInt(a, "the left side of '"+e.Operator+"'")
	from := g.b
	rhs, join := g.newBlock(), g.newBlock()
	if e.Operator == "and" {
		g.branch(ta.v, rhs, join)
	} else {
		g.branch(ta.v, join, rhs)
	}
	g.enter(rhs)
	b := g.expr(e.Rhs)
	bv := g.toInt(b, "the right side of '"+e.Operator+"'")
	rhsEnd := g.b
	g.jump(join)
	g.enter(join)
	args := make([]*ir.Value, len(join.Preds))
	for i, p := range join.Preds {
		if p == from {
			args[i] = av
		} else if p == rhsEnd {
			args[i] = bv
		}
	}
	o := intOp(g.numPhi(join, args))
	o.width = commonWidth([]operand{a, b})
	return o
}

// chosen is the value of an and/or whose side the compiler knows: taken,
// as a number of the type the run-time choice would give it (uint64_t
// when either side is, as C's conditional operator converts), so that
// folding does not change what the program computes. A side that is not
// a number (a map, a string, a stack object) is chosen as it is.
func (g *builder) chosen(taken, other operand, op string) operand {
	if !taken.isNumeric() || taken.kind == opPoison {
		return taken
	}
	v := g.toInt(taken, "the "+op+" expression")
	if v == nil {
		return poisonOp()
	}
	if other.kind == opInt && isU64(other.v.Type) && !isU64(v.Type) {
		v = g.retype(v, ir.U64)
	}
	o := intOp(v)
	o.width = typeWidth(taken)
	if typeWidth(other) != o.width {
		o.width = 0
	}
	return o
}

// deadExpr lowers e, the side of an and/or the program never takes, into
// a block of its own that nothing jumps to (Build removes it), for its
// type and its errors. Locals read there hold what they hold here.
func (g *builder) deadExpr(e ast.Expr) operand {
	if g.b == nil {
		return poisonOp()
	}
	live := g.b
	dead := g.newBlock()
	g.deadFrom[dead] = live
	g.b = dead
	o := g.expr(e)
	if o.kind == opMem && o.isNumeric() && g.b != nil {
		o = intOp(g.toInt(o, "the side of the expression"))
	}
	g.b = live
	return o
}
