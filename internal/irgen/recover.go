package irgen

import (
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
)

// Error recovery. A user error stops the statement it is found in, not
// the function: the error is recorded (once per line, up to
// source.MaxErrors kept) and lowering goes on with the next statement,
// so one compile reports every mistake it can. No IR is returned once an
// error is recorded.
//
// To keep one mistake from causing more, every local the failed
// statement (or any statement nested in it) assigns becomes poison: an
// operand that stands for "unknown because of an earlier error".
// Expressions over poison are poison (pkt.ipp.ttl + 1), so the rest of a
// statement is still checked; a join where one path holds poison is
// poison; a condition that is poison lowers both branches; and where a
// value must be used (a number returned, stored, passed to a helper) poison
// ends the statement silently, poisoning what it assigns in turn.

// bailout carries a compile error up to the statement being lowered
// (fatal ones up to Build); a nil err ends the statement silently.
type bailout struct {
	err   *source.CompileError
	fatal bool
}

// errorf stops lowering the current statement with an error at the
// current line.
func (g *builder) errorf(format string, args ...any) {
	panic(bailout{err: source.Errorf(g.src, g.line, format, args...)})
}

// fatalf stops lowering the whole function with an error at the current
// line.
func (g *builder) fatalf(format string, args ...any) {
	panic(bailout{err: source.Errorf(g.src, g.line, format, args...), fatal: true})
}

// usePoison ends the current statement without an error when o is
// poison: its value is needed, and the error that made it is already
// reported.
func (g *builder) usePoison(os ...operand) {
	for _, o := range os {
		if o.kind == opPoison {
			panic(bailout{})
		}
	}
}

// anyPoison reports whether one of os is poison.
func anyPoison(os ...operand) bool {
	for _, o := range os {
		if o.kind == opPoison {
			return true
		}
	}
	return false
}

// report records e, unless an error was already recorded at its line (an
// unrolled loop meets the same mistake in every iteration).
func (g *builder) report(e *source.CompileError) {
	if g.errLines == nil {
		g.errLines = map[int]bool{}
	}
	if g.errLines[e.Pos.Line] {
		return
	}
	g.errLines[e.Pos.Line] = true
	g.errs.Add(e)
}

// poisonOp is the operand of a local whose defining statement failed.
func poisonOp() operand { return operand{kind: opPoison} }

// stmtRecovering lowers s; a user error in it is recorded, the block
// lowering was in when s began is current again, and the locals s assigns
// become poison.
func (g *builder) stmtRecovering(s ast.Stmt) {
	start, loops := g.b, len(g.loops)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		b, ok := r.(bailout)
		if !ok || b.fatal {
			panic(r)
		}
		if b.err != nil {
			g.report(b.err)
		}
		g.b = start
		g.loops = g.loops[:loops]
		for _, l := range g.assigned(s) {
			g.write(l, poisonOp())
		}
	}()
	g.stmt(s)
}

// assigned lists the locals statement s, or any statement in it,
// assigns.
func (g *builder) assigned(s ast.Stmt) []*frontend.Local {
	var out []*frontend.Local
	var walk func(ss []ast.Stmt)
	visit := func(s ast.Stmt) {
		switch s := s.(type) {
		case *ast.LocalAssignStmt:
			out = append(out, g.fn.Decls[s]...)
		case *ast.AssignStmt:
			for _, e := range s.Lhs {
				if id, ok := e.(*ast.IdentExpr); ok && g.fn.Refs[id] != nil {
					out = append(out, g.fn.Refs[id])
				}
			}
		case *ast.DoBlockStmt:
			walk(s.Stmts)
		case *ast.IfStmt:
			walk(s.Then)
			walk(s.Else)
		case *ast.NumberForStmt:
			walk(s.Stmts)
		}
	}
	walk = func(ss []ast.Stmt) {
		for _, s := range ss {
			visit(s)
		}
	}
	visit(s)
	return out
}
