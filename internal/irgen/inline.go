package irgen

import (
	"errors"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
)

// Calls of the script's own Lua functions are inlined: luabpf makes no
// BPF-to-BPF calls. The callee's body is lowered where it is called, in
// a scope of its own (its parameters bound to the arguments, missing
// ones nil), its free names resolved through its own Env; a return jumps
// to the call's continuation, where the values returned on the paths
// that reach it merge as a local assigned on branches does. The callee's
// instructions carry its own lines, so its errors, and the verifier's,
// point into it.

// maxInline bounds how deeply inlined calls nest.
const maxInline = 8

// inlineFrame is a call being inlined.
type inlineFrame struct {
	node *ast.FunctionExpr
	name string
	// ret holds the value each return path gives; exit is the block
	// returns jump to.
	ret  *frontend.Local
	exit *ir.Block
}

// inline lowers a call of the script's Lua function fv, called name at
// the call, with the arguments' operands.
func (g *builder) inline(fv *value.Func, args []operand, name string) operand {
	if fv.Source != g.src.Name {
		g.errorf("'%s' is a Lua function of %s, not of this script; kernel code can call only functions defined in its own file", name, fv.Source)
	}
	node, fname := g.findCallee(fv, name)
	if node == g.root || g.inlining(node) {
		g.errorf("'%s' calls itself (directly or through other functions); kernel code inlines the functions it calls, so it cannot recurse", name)
	}
	if len(g.inlines) >= maxInline {
		g.errorf("calling '%s' nests calls of Lua functions more than %d deep; kernel code inlines every call, so keep the chain shorter", name, maxInline)
	}
	if fname == "" {
		fname = name
	}
	callee, err := frontend.Resolve(g.fn.File, node, fname)
	if err != nil {
		g.reportAll(err)
		panic(bailout{})
	}
	caller, env, loops, line := g.fn, g.env, g.loops, g.line
	fr := &inlineFrame{node: node, name: name, ret: &frontend.Local{Name: name + "(...)", Line: line}, exit: g.newBlock()}
	defer func() {
		g.fn, g.env, g.loops, g.line = caller, env, loops, line
		g.inlines = g.inlines[:len(g.inlines)-1]
	}()
	g.inlines = append(g.inlines, fr)
	g.fn, g.loops = callee, nil
	if fv.Env != nil {
		g.env = fv.Env
	}
	for i, p := range callee.Params {
		a := constOp(Nil{})
		if i < len(args) {
			a = g.snapshot(args[i])
		}
		g.write(p, a)
	}
	g.block(node.Stmts)
	if g.b != nil {
		g.write(fr.ret, constOp(Nil{}))
		g.jump(fr.exit)
	}
	g.line = line
	g.enter(fr.exit)
	if g.b == nil {
		panic(bailout{}) // no path returns: only after reported errors
	}
	return g.read(fr.ret, fr.exit)
}

// findCallee returns the function expression of fv, and the name it is
// bound to.
func (g *builder) findCallee(fv *value.Func, name string) (*ast.FunctionExpr, string) {
	fns, names := g.fn.File.Funcs()
	var node *ast.FunctionExpr
	var fname string
	n := 0
	for i, fn := range fns {
		if fn.Line() == fv.First && fn.LastLine() == fv.Last {
			node, fname = fn, names[i]
			n++
		}
	}
	switch {
	case n == 0:
		g.errorf("cannot find the source of '%s' (lines %d-%d) to inline it", name, fv.First, fv.Last)
	case n > 1:
		g.errorf("'%s' cannot be inlined: more than one function is defined on lines %d-%d; put it on lines of its own", name, fv.First, fv.Last)
	}
	return node, fname
}

// inlining reports whether node is being inlined.
func (g *builder) inlining(node *ast.FunctionExpr) bool {
	for _, fr := range g.inlines {
		if fr.node == node {
			return true
		}
	}
	return false
}

// inlineReturn lowers a return statement of an inlined function: the
// value goes to the call's continuation.
func (g *builder) inlineReturn(s *ast.ReturnStmt) {
	fr := g.inlines[len(g.inlines)-1]
	if len(s.Exprs) > 1 {
		g.errorf("'%s' returns %d values; a Lua function kernel code calls may return one", fr.name, len(s.Exprs))
	}
	o := constOp(Nil{})
	if len(s.Exprs) == 1 {
		o = g.snapshot(g.expr(s.Exprs[0]))
	}
	if g.b != nil {
		g.write(fr.ret, o)
		g.jump(fr.exit)
	}
}

// reportAll records the compile errors in err.
func (g *builder) reportAll(err error) {
	var list *source.ErrorList
	var one *source.CompileError
	switch {
	case errors.As(err, &list):
		for _, e := range list.Errs {
			g.report(e)
		}
	case errors.As(err, &one):
		g.report(one)
	default:
		g.errorf("%v", err)
	}
}
