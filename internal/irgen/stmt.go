package irgen

import (
	"math/big"

	"github.com/luabpf/luabpf/proto"

	"github.com/luabpf/luabpf/internal/ir"
	"github.com/yuin/gopher-lua/ast"
)

// maxUnroll bounds the iterations of an unrolled for loop.
const maxUnroll = 1024

func (g *builder) block(stmts []ast.Stmt) {
	for _, s := range stmts {
		if g.b == nil {
			return // the rest is unreachable
		}
		g.line = s.Line()
		g.stmtRecovering(s)
	}
}

func (g *builder) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.LocalAssignStmt:
		vals := g.exprList(s.Exprs, len(s.Names))
		for i, l := range g.fn.Decls[s] {
			g.write(l, g.snapshot(vals[i]))
		}
	case *ast.AssignStmt:
		g.assign(s)
	case *ast.FuncCallStmt:
		g.expr(s.Expr)
	case *ast.DoBlockStmt:
		g.block(s.Stmts)
	case *ast.IfStmt:
		g.ifStmt(s)
	case *ast.NumberForStmt:
		g.forStmt(s)
	case *ast.ReturnStmt:
		g.returnStmt(s)
	case *ast.BreakStmt:
		g.jump(g.loops[len(g.loops)-1].exit)
	default:
		g.errorf("this statement is not supported in kernel functions")
	}
}

// exprList evaluates exprs for n targets: missing values are nil, extra
// expressions are still evaluated for their effects.
func (g *builder) exprList(exprs []ast.Expr, n int) []operand {
	out := make([]operand, 0, max(n, len(exprs)))
	for _, e := range exprs {
		out = append(out, g.expr(e))
	}
	for len(out) < n {
		out = append(out, constOp(Nil{}))
	}
	return out
}

func (g *builder) assign(s *ast.AssignStmt) {
	// Lua evaluates all right-hand sides, then assigns.
	type target struct {
		obj, key operand
		local    bool
		id       *ast.IdentExpr
		name     string
	}
	var ts []target
	for _, e := range s.Lhs {
		switch e := e.(type) {
		case *ast.IdentExpr:
			ts = append(ts, target{local: true, id: e})
		case *ast.AttrGetExpr:
			ts = append(ts, target{obj: g.expr(e.Object), key: g.key(e.Key), name: exprName(e)})
		default:
			g.errorf("cannot assign to this expression")
		}
	}
	vals := g.exprList(s.Rhs, len(s.Lhs))
	if len(ts) > 1 {
		// pkt.dst, pkt.src = pkt.src, pkt.dst swaps: header arrays on
		// the right are read before anything is assigned.
		for i, v := range vals {
			if v.kind == opPkt && v.pkt.size > 0 && v.pkt.size <= 8 && g.kind.PacketWrite != proto.NoPacketWrite {
				vals[i] = operand{kind: opInt, v: g.pktRaw(v, v.pkt.size), str: strRaw, width: v.pkt.size}
			}
		}
	}
	for i, t := range ts {
		if t.local {
			g.write(g.fn.Refs[t.id], g.snapshot(vals[i]))
			continue
		}
		g.store(t.obj, t.key, vals[i], t.name)
	}
}

func (g *builder) ifStmt(s *ast.IfStmt) {
	thenB, elseB, join := g.newBlock(), g.newBlock(), g.newBlock()
	g.cond(s.Condition, thenB, elseB)
	g.enter(thenB)
	g.block(s.Then)
	g.jump(join)
	g.enter(elseB)
	g.block(s.Else)
	g.jump(join)
	g.enter(join)
}

func (g *builder) forStmt(s *ast.NumberForStmt) {
	init, limit := g.constNumber(s.Init, "start"), g.constNumber(s.Limit, "limit")
	step := int64(1)
	if s.Step != nil {
		step = g.constNumber(s.Step, "step")
	}
	if step == 0 {
		g.errorf("a for loop step of 0 never ends")
	}
	count := tripCount(init, limit, step)
	if count.Cmp(big.NewInt(maxUnroll)) > 0 {
		g.errorf("this loop runs %s times; kernel loops are unrolled and at most %d iterations are supported", count, maxUnroll)
	}
	n := count.Int64()
	exit := g.newBlock()
	g.loops = append(g.loops, loop{exit: exit})
	v := g.fn.Decls[s][0]
	for i := int64(0); i < n && g.b != nil; i++ {
		g.write(v, constOp(Int(init+i*step)))
		g.block(s.Stmts)
		g.line = s.Line()
	}
	g.loops = g.loops[:len(g.loops)-1]
	g.jump(exit)
	g.enter(exit)
}

// tripCount is how many times `for i = init, limit, step` runs (step is
// not 0). The distance between the bounds may exceed int64_t (uint64
// holds it) and the count may be 2^64.
func tripCount(init, limit, step int64) *big.Int {
	var dist, by uint64
	switch {
	case step > 0 && limit >= init:
		dist, by = uint64(limit)-uint64(init), uint64(step)
	case step < 0 && init >= limit:
		dist, by = uint64(init)-uint64(limit), -uint64(step)
	default:
		return new(big.Int)
	}
	n := new(big.Int).SetUint64(dist / by)
	return n.Add(n, big.NewInt(1))
}

// constNumber evaluates a loop bound, which must be known at compile time.
func (g *builder) constNumber(e ast.Expr, what string) int64 {
	o := g.expr(e)
	g.usePoison(o)
	c, ok := o.constInt()
	if !ok || o.kind != opConst {
		g.errorf("the loop %s must be a number known at compile time (kernel loops are unrolled); this one is %s", what, o.kindName())
	}
	return c
}

func (g *builder) returnStmt(s *ast.ReturnStmt) {
	if len(g.inlines) > 0 {
		g.inlineReturn(s)
		return
	}
	if len(s.Exprs) > 1 {
		g.errorf("kernel functions return one number; return a single value")
	}
	var v *ir.Value
	if len(s.Exprs) == 0 {
		v = g.konst(g.kind.NoReturn)
	} else {
		o := g.expr(s.Exprs[0])
		if o.kind == opConst {
			if _, isNil := o.c.(Nil); isNil {
				v = g.konst(g.kind.NoReturn)
			}
		}
		if v == nil {
			v = g.toInt(o, "the return value")
		}
	}
	if g.b != nil {
		g.ret(v)
	}
}

// snapshot reads a scalar member of a map value when it is stored in a
// local, as LuaJIT reads a number out of a cdata field: a later write to
// the member must not change the local. Whole lookups (`local v = m[k]`)
// stay pointers, so `if v` tests for presence.
func (g *builder) snapshot(o operand) operand {
	if o.isMember() && o.m.has(memLive) {
		return g.numOp(o, "the value")
	}
	return o
}
