package frontend

import (
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
)

// Proto compiles the whole file for the Lua VM from Chunk, so a script is
// parsed once, for the VM and the kernel compiler alike (parsing is most
// of the cost of loading a chunk). Running it defines the functions
// FindFunc finds by their lines. gopher-lua's compiler writes into the
// tree it compiles (a unary minus's operand is replaced by the folded
// constant, in a node type of its own; a numeric for without a step gets
// one); Proto puts those fields back, so Chunk stays what the parser made.
// It must not run concurrently with other uses of f.
func (f *File) Proto() (*lua.FunctionProto, error) {
	var minus []*ast.UnaryMinusOpExpr
	var operands []ast.Expr
	var noStep []*ast.NumberForStmt
	inspect(f.Chunk, func(n any) {
		switch n := n.(type) {
		case *ast.UnaryMinusOpExpr:
			minus, operands = append(minus, n), append(operands, n.Expr)
		case *ast.NumberForStmt:
			if n.Step == nil {
				noStep = append(noStep, n)
			}
		}
	})
	defer func() {
		for i, n := range minus {
			n.Expr = operands[i]
		}
		for _, n := range noStep {
			n.Step = nil
		}
	}()
	return lua.Compile(f.Chunk, f.Src.Name)
}

// inspect calls visit for every statement and expression in stmts,
// function bodies included, parents before children.
func inspect(stmts []ast.Stmt, visit func(any)) {
	exprs := func(es ...ast.Expr) {
		for _, e := range es {
			inspectExpr(e, visit)
		}
	}
	for _, s := range stmts {
		visit(s)
		switch s := s.(type) {
		case *ast.AssignStmt:
			exprs(s.Lhs...)
			exprs(s.Rhs...)
		case *ast.LocalAssignStmt:
			exprs(s.Exprs...)
		case *ast.FuncCallStmt:
			exprs(s.Expr)
		case *ast.DoBlockStmt:
			inspect(s.Stmts, visit)
		case *ast.WhileStmt:
			exprs(s.Condition)
			inspect(s.Stmts, visit)
		case *ast.RepeatStmt:
			inspect(s.Stmts, visit)
			exprs(s.Condition)
		case *ast.IfStmt:
			exprs(s.Condition)
			inspect(s.Then, visit)
			inspect(s.Else, visit)
		case *ast.NumberForStmt:
			exprs(s.Init, s.Limit, s.Step)
			inspect(s.Stmts, visit)
		case *ast.GenericForStmt:
			exprs(s.Exprs...)
			inspect(s.Stmts, visit)
		case *ast.FuncDefStmt:
			if s.Name != nil {
				exprs(s.Name.Func, s.Name.Receiver)
			}
			exprs(s.Func)
		case *ast.ReturnStmt:
			exprs(s.Exprs...)
		}
	}
}

func inspectExpr(e ast.Expr, visit func(any)) {
	if e == nil {
		return
	}
	visit(e)
	if fn, ok := e.(*ast.FunctionExpr); ok {
		inspect(fn.Stmts, visit)
		return
	}
	for _, c := range children(e) {
		inspectExpr(c, visit)
	}
}
