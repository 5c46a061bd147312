package difftest

import "fmt"

// The script's own Lua functions: helpers defined before the kernel
// function, which calls them (the compiler inlines every call), and
// which call the helpers defined before them (never themselves, so no
// recursion).

// Func is a helper, `local function Name(Params...) Body end`. U is the
// class of the values it returns: each return casts to it (see value),
// and one that returns nothing gives nil, 0 as int64_t. A helper of
// class uint64_t ends with a return of a value.
type Func struct {
	Name   string
	Params []*Var
	Body   []Stmt
	U      bool
	// MayNil records that the helper may give nil (return nothing or
	// fall off its end): a call of it that is a value is (call or 0),
	// since ordering nil is an error.
	MayNil bool
}

// Call is F(Args...): missing parameters are nil, extra arguments are
// evaluated and dropped, as Lua calls do.
type Call struct {
	F    *Func
	Args []Expr
}

// CallStmt is a call as a statement; its value is dropped.
type CallStmt struct{ C *Call }

func (*Call) expr()     {}
func (*CallStmt) stmt() {}

// kernelCalls and helperCalls bound the call sites of the kernel function and of each
// helper, so that inlining keeps programs about as large as others.
const (
	kernelCalls = 3
	helperCalls = 1
)

// helpers generates one to three helpers. Their bodies see only their
// parameters (as readable names, like loop variables) and the maps: the
// kernel function's stack objects are its own locals.
func (g *gen) helpers() {
	scopes, stmts, in := g.scopes, g.stmts, g.in
	g.in = nil
	for _, x := range in {
		if x.Lua != "skb.len" { // skb is the kernel function's parameter
			g.in = append(g.in, x)
		}
	}
	for n := 1 + g.pick(3); n > 0; n-- {
		f := &Func{Name: fmt.Sprintf("h%d", len(g.funcs)+1), U: g.chance(4)}
		for np := g.pick(4); np > 0; np-- {
			g.nvars++
			v := &Var{Name: fmt.Sprintf("p%d", g.nvars), U: g.chance(4)}
			v.Opt = !v.U && g.chance(2)
			f.Params = append(f.Params, v)
		}
		g.scopes = [][]*Var{nil, nil}
		g.fixed = append([]*Var{}, f.Params...)
		g.fn, g.calls, g.stmts = f, helperCalls, 1+g.pick(4)
		for g.stmts > 0 {
			f.Body = append(f.Body, g.stmt(2))
		}
		if f.U || g.chance(2) {
			f.Body = append(f.Body, &Return{X: value(g.expr(2), f.U)})
		} else {
			f.MayNil = true
		}
		g.funcs = append(g.funcs, f) // only now: no helper calls itself
	}
	// Inlined bodies add code: the kernel function is a little shorter.
	g.scopes, g.stmts, g.in, g.fixed, g.fn, g.calls = scopes, stmts-len(g.funcs), in, nil, nil, kernelCalls
}

// canCall reports whether a call may be generated here: not in loops
// of more than two trips, whose unrolling would copy the inlined body
// too often.
func (g *gen) canCall() bool { return len(g.funcs) > 0 && g.calls > 0 && g.trips <= 2 }

// call is a call of a helper defined so far, sometimes with fewer
// arguments than parameters (only optional ones go missing) or with
// more.
func (g *gen) call() *Call {
	g.calls--
	f := g.funcs[g.pick(len(g.funcs))]
	n := len(f.Params)
	switch g.pick(5) {
	case 0:
		k := n
		for k > 0 && f.Params[k-1].Opt {
			k--
		}
		if k < n {
			n = k + g.pick(n-k)
		}
	case 1:
		n += 1 + g.pick(2)
	}
	c := &Call{F: f}
	for i := 0; i < n; i++ {
		if i < len(f.Params) {
			c.Args = append(c.Args, value(g.expr(1), f.Params[i].U))
		} else {
			c.Args = append(c.Args, g.expr(1))
		}
	}
	return c
}

// callValue is a call as a value: (call or 0) when it may give nil.
func (g *gen) callValue() Expr {
	c := g.call()
	if c.F.MayNil {
		return &Binop{Op: "or", X: c, Y: &Const{}}
	}
	return c
}

// noCalls returns what gen makes with no calls in it: an xadd's value,
// whose calls could store the entry the xadd has already looked up (see
// testdata/repro/xadd_value_restores_entry.lua).
func (g *gen) noCalls(gen func() Expr) Expr {
	calls := g.calls
	g.calls = 0
	defer func() { g.calls = calls }()
	return gen()
}

// param is a read of parameter v: an optional one, which a call may
// leave nil, as (v or 0), since ordering nil is an error.
func param(v *Var) Expr {
	if v.Opt {
		return &Binop{Op: "or", X: v, Y: &Const{}}
	}
	return v
}

// ret is an early return: of the kernel function, or of the helper
// being generated (of its class, or of nothing).
func (g *gen) ret() *Return {
	switch {
	case g.fn == nil:
		return &Return{X: g.expr(2)}
	case !g.fn.U && g.chance(3):
		g.fn.MayNil = true
		return &Return{}
	}
	return &Return{X: value(g.expr(2), g.fn.U)}
}

// call runs a helper with Lua's rules: parameters bound to the
// arguments' values, missing ones nil, extra arguments evaluated and
// dropped; its value is what its return gives, nil (0) when it gives
// nothing or falls off its end, of the helper's class.
func (m *machine) call(c *Call) val {
	f := m.funcs[c.F.Name]
	args := make([]val, len(c.Args))
	for i, a := range c.Args {
		args[i] = m.eval(a)
	}
	vars := map[string]val{}
	for i, p := range f.Params {
		v := val{t: Int64}
		if i < len(args) {
			v = args[i]
		}
		vars[p.Name] = v
	}
	saved, ret := m.vars, m.ret
	m.vars, m.ret = vars, val{t: Int64}
	m.depth++
	m.block(f.Body)
	m.depth--
	r := m.ret
	m.vars, m.ret, m.returned, m.broke = saved, ret, false, false
	r.mapRead, r.present, r.t = false, false, Int64
	if f.U {
		r.t = Uint64
	}
	return r
}

func callString(c *Call) string {
	s := c.F.Name + "("
	for i, a := range c.Args {
		if i > 0 {
			s += ", "
		}
		s += exprString(a)
	}
	return s + ")"
}
