package frontend

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
)

// Local is a local variable or parameter of a kernel function.
type Local struct {
	Name string
	ID   int
	Line int // where it is declared
}

// Func is a kernel function with its names resolved.
type Func struct {
	File   *File
	Node   *ast.FunctionExpr
	Name   string   // a name for dumps: the variable it was assigned to, or "fn_LINE"
	Params []*Local // in order
	// Refs maps each identifier that names a local to it; identifiers not
	// in Refs are free (upvalues or globals).
	Refs map[*ast.IdentExpr]*Local
	// Decls maps local statements and numeric for loops to the locals they
	// declare, in order.
	Decls map[ast.Stmt][]*Local
	// Free lists the free names the function uses, each once, in order of
	// first use.
	Free []string
}

// FindFunc returns the function expression in f spanning lines first to
// last, as gopher-lua's FunctionProto records them (LineDefined,
// LastLineDefined).
func (f *File) FindFunc(first, last int) (*ast.FunctionExpr, string, error) {
	var found []*ast.FunctionExpr
	var names []string
	visitFuncs(f.Chunk, "", func(fn *ast.FunctionExpr, name string) {
		if fn.Line() == first && fn.LastLine() == last {
			found = append(found, fn)
			names = append(names, name)
		}
	})
	switch len(found) {
	case 0:
		return nil, "", source.Errorf(f.Src, first, "cannot find the source of this function (lines %d-%d)", first, last)
	case 1:
		return found[0], names[0], nil
	}
	return nil, "", source.Errorf(f.Src, first, "more than one function is defined on lines %d-%d; put each kernel function on lines of its own", first, last)
}

// FindNamed returns a top-level function by name: `function name(...)`,
// `local function name(...)` or `local name = function(...)`.
func (f *File) FindNamed(name string) (*ast.FunctionExpr, error) {
	var found *ast.FunctionExpr
	visitFuncs(f.Chunk, "", func(fn *ast.FunctionExpr, n string) {
		if n == name && found == nil {
			found = fn
		}
	})
	if found == nil {
		return nil, fmt.Errorf("%s: no function named %q", f.Src.Name, name)
	}
	return found, nil
}

// Resolve resolves the names in fn, a function of f, and rejects what
// kernel code cannot contain.
func Resolve(f *File, fn *ast.FunctionExpr, name string) (*Func, error) {
	r := &resolver{
		fn:   &Func{File: f, Node: fn, Name: name, Refs: map[*ast.IdentExpr]*Local{}, Decls: map[ast.Stmt][]*Local{}},
		free: map[string]bool{},
	}
	if r.fn.Name == "" {
		r.fn.Name = fmt.Sprintf("fn_%d", fn.Line())
	}
	r.push()
	if fn.ParList != nil {
		if fn.ParList.HasVargs {
			r.errorf(fn.Line(), "varargs (...) are not supported in kernel functions; name the parameters")
		}
		for _, p := range fn.ParList.Names {
			r.fn.Params = append(r.fn.Params, r.declare(p, fn.Line()))
		}
	}
	r.block(fn.Stmts)
	r.pop()
	return r.fn, r.errs.Err()
}

type resolver struct {
	fn     *Func
	scopes []map[string]*Local
	nextID int
	free   map[string]bool
	loops  int
	errs   source.ErrorList
}

func (r *resolver) errorf(line int, format string, args ...any) {
	r.errs.Add(source.Errorf(r.fn.File.Src, line, format, args...))
}

func (r *resolver) push() { r.scopes = append(r.scopes, map[string]*Local{}) }
func (r *resolver) pop()  { r.scopes = r.scopes[:len(r.scopes)-1] }

func (r *resolver) declare(name string, line int) *Local {
	l := &Local{Name: name, ID: r.nextID, Line: line}
	r.nextID++
	r.scopes[len(r.scopes)-1][name] = l
	return l
}

func (r *resolver) lookup(id *ast.IdentExpr) {
	for i := len(r.scopes) - 1; i >= 0; i-- {
		if l := r.scopes[i][id.Value]; l != nil {
			r.fn.Refs[id] = l
			return
		}
	}
	if !r.free[id.Value] {
		r.free[id.Value] = true
		r.fn.Free = append(r.fn.Free, id.Value)
	}
}

func (r *resolver) block(stmts []ast.Stmt) {
	r.push()
	for _, s := range stmts {
		r.stmt(s)
	}
	r.pop()
}

func (r *resolver) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, e := range s.Rhs {
			r.expr(e)
		}
		for _, e := range s.Lhs {
			if id, ok := e.(*ast.IdentExpr); ok {
				r.lookup(id)
				if r.fn.Refs[id] == nil {
					r.errorf(s.Line(), "cannot assign to '%s' here: it is not a local of this kernel function, and kernel code cannot change userspace variables; declare it with 'local'", id.Value)
				}
				continue
			}
			r.expr(e)
		}
	case *ast.LocalAssignStmt:
		for _, e := range s.Exprs {
			r.expr(e)
		}
		var ls []*Local
		for _, n := range s.Names {
			ls = append(ls, r.declare(n, s.Line()))
		}
		r.fn.Decls[s] = ls
	case *ast.FuncCallStmt:
		r.expr(s.Expr)
	case *ast.DoBlockStmt:
		r.block(s.Stmts)
	case *ast.IfStmt:
		r.expr(s.Condition)
		r.block(s.Then)
		r.block(s.Else)
	case *ast.NumberForStmt:
		r.expr(s.Init)
		r.expr(s.Limit)
		if s.Step != nil {
			r.expr(s.Step)
		}
		r.push()
		r.fn.Decls[s] = []*Local{r.declare(s.Name, s.Line())}
		r.loops++
		r.block(s.Stmts)
		r.loops--
		r.pop()
	case *ast.ReturnStmt:
		for _, e := range s.Exprs {
			r.expr(e)
		}
	case *ast.BreakStmt:
		if r.loops == 0 {
			r.errorf(s.Line(), "'break' outside a loop")
		}
	case *ast.WhileStmt:
		r.errorf(s.Line(), "while loops are not supported in kernel functions; use a numeric for loop with constant bounds (for i = 1, 8 do ... end)")
	case *ast.RepeatStmt:
		r.errorf(s.Line(), "repeat loops are not supported in kernel functions; use a numeric for loop with constant bounds (for i = 1, 8 do ... end)")
	case *ast.GenericForStmt:
		r.errorf(s.Line(), "generic for loops (pairs, ipairs, iterators) are not supported in kernel functions; use a numeric for loop with constant bounds")
	case *ast.FuncDefStmt:
		r.errorf(s.Line(), "kernel functions cannot define functions; define it in the script, outside the kernel function, and call it (the call is inlined)")
	case *ast.LabelStmt, *ast.GotoStmt:
		r.errorf(s.Line(), "goto and labels are not supported in kernel functions; use if/else")
	default:
		r.errorf(s.Line(), "this statement is not supported in kernel functions")
	}
}

func (r *resolver) expr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.IdentExpr:
		r.lookup(e)
	case *ast.FunctionExpr:
		r.errorf(e.Line(), "kernel functions cannot define functions; define it in the script, outside the kernel function, and call it (the call is inlined)")
	case *ast.Comma3Expr:
		r.errorf(e.Line(), "varargs (...) are not supported in kernel functions; name the parameters")
	case *ast.TableExpr:
		r.errorf(e.Line(), "table constructors are not supported in kernel functions; build a stack object with ffi.new('struct { ... }') or use a map")
	default:
		for _, c := range children(e) {
			r.expr(c)
		}
	}
}

// children returns the subexpressions of e, in source order (none for a
// function expression: its body is a scope of its own).
func children(e ast.Expr) []ast.Expr {
	switch e := e.(type) {
	case *ast.AttrGetExpr:
		return []ast.Expr{e.Object, e.Key}
	case *ast.FuncCallExpr:
		var out []ast.Expr
		if e.Func != nil {
			out = append(out, e.Func)
		}
		if e.Receiver != nil {
			out = append(out, e.Receiver)
		}
		return append(out, e.Args...)
	case *ast.LogicalOpExpr:
		return []ast.Expr{e.Lhs, e.Rhs}
	case *ast.RelationalOpExpr:
		return []ast.Expr{e.Lhs, e.Rhs}
	case *ast.StringConcatOpExpr:
		return []ast.Expr{e.Lhs, e.Rhs}
	case *ast.ArithmeticOpExpr:
		return []ast.Expr{e.Lhs, e.Rhs}
	case *ast.UnaryMinusOpExpr:
		return []ast.Expr{e.Expr}
	case *ast.UnaryNotOpExpr:
		return []ast.Expr{e.Expr}
	case *ast.UnaryLenOpExpr:
		return []ast.Expr{e.Expr}
	case *ast.TableExpr:
		var out []ast.Expr
		for _, f := range e.Fields {
			if f.Key != nil {
				out = append(out, f.Key)
			}
			out = append(out, f.Value)
		}
		return out
	}
	return nil
}

// visitFuncs calls visit for every function expression in stmts, with the
// name it is bound to when that is plain ("" otherwise).
func visitFuncs(stmts []ast.Stmt, _ string, visit func(*ast.FunctionExpr, string)) {
	for _, s := range stmts {
		walkStmt(s, visit)
	}
}

func walkStmt(s ast.Stmt, visit func(*ast.FunctionExpr, string)) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		for i, e := range s.Rhs {
			walkExpr(e, nameAt(s.Lhs, i), visit)
		}
		for _, e := range s.Lhs {
			walkExpr(e, "", visit)
		}
	case *ast.LocalAssignStmt:
		for i, e := range s.Exprs {
			n := ""
			if i < len(s.Names) {
				n = s.Names[i]
			}
			walkExpr(e, n, visit)
		}
	case *ast.FuncCallStmt:
		walkExpr(s.Expr, "", visit)
	case *ast.DoBlockStmt:
		visitFuncs(s.Stmts, "", visit)
	case *ast.WhileStmt:
		walkExpr(s.Condition, "", visit)
		visitFuncs(s.Stmts, "", visit)
	case *ast.RepeatStmt:
		walkExpr(s.Condition, "", visit)
		visitFuncs(s.Stmts, "", visit)
	case *ast.IfStmt:
		walkExpr(s.Condition, "", visit)
		visitFuncs(s.Then, "", visit)
		visitFuncs(s.Else, "", visit)
	case *ast.NumberForStmt:
		walkExpr(s.Init, "", visit)
		walkExpr(s.Limit, "", visit)
		if s.Step != nil {
			walkExpr(s.Step, "", visit)
		}
		visitFuncs(s.Stmts, "", visit)
	case *ast.GenericForStmt:
		for _, e := range s.Exprs {
			walkExpr(e, "", visit)
		}
		visitFuncs(s.Stmts, "", visit)
	case *ast.FuncDefStmt:
		n := ""
		if id, ok := s.Name.Func.(*ast.IdentExpr); ok && s.Name.Receiver == nil {
			n = id.Value
		}
		walkExpr(s.Func, n, visit)
	case *ast.ReturnStmt:
		for _, e := range s.Exprs {
			walkExpr(e, "", visit)
		}
	}
}

func nameAt(lhs []ast.Expr, i int) string {
	if i < len(lhs) {
		if id, ok := lhs[i].(*ast.IdentExpr); ok {
			return id.Value
		}
	}
	return ""
}

func walkExpr(e ast.Expr, name string, visit func(*ast.FunctionExpr, string)) {
	if fn, ok := e.(*ast.FunctionExpr); ok {
		visit(fn, name)
		visitFuncs(fn.Stmts, "", visit)
		return
	}
	for _, c := range children(e) {
		walkExpr(c, "", visit)
	}
}

// Funcs returns every function expression in f with the name it is bound
// to ("" if none), in source order.
func (f *File) Funcs() ([]*ast.FunctionExpr, []string) {
	var fns []*ast.FunctionExpr
	var names []string
	visitFuncs(f.Chunk, "", func(fn *ast.FunctionExpr, name string) {
		fns = append(fns, fn)
		names = append(names, name)
	})
	return fns, names
}
