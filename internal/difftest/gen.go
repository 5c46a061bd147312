package difftest

import (
	"fmt"
	"math/rand"
)

// gen holds the generator's state while it builds one program.
type gen struct {
	r      *rand.Rand
	in     []*Input
	scopes [][]*Var  // visible locals, innermost last
	fixed  []*Var    // loop variables: readable, never assigned
	objs   []*NewObj // stack objects in scope
	arrs   []*ArrObj // byte objects (declared at the top)
	frame  []byte
	pl     Payload
	lits   []string // strings copied into char arrays so far
	top    []*Var   // top-level locals, stored into out at the end
	nvars  int
	stmts  int     // statements left to generate
	loops  int     // enclosing loops
	trips  int     // product of the enclosing loops' trip counts
	funcs  []*Func // helpers defined so far
	fn     *Func   // the helper being generated, nil in the kernel function
	calls  int     // call sites left to generate in this function
}

// Generate returns the program of seed: its frame, a few stack objects
// and top-level locals, a block of random statements, the top-level
// locals stored into out, and a return.
func Generate(seed int64) *Prog {
	r := rand.New(rand.NewSource(seed))
	frame, in, pl := makeFrame(r)
	g := &gen{r: r, in: in, frame: frame, pl: pl, scopes: [][]*Var{nil}, stmts: 6 + r.Intn(14), trips: 1}
	var funcs []*Func
	if r.Intn(3) == 0 {
		g.helpers()
		funcs = g.funcs
	}
	var body []Stmt
	for _, s := range structs {
		if r.Intn(3) != 0 {
			o := &NewObj{Name: s.Name, S: s}
			g.objs = append(g.objs, o)
			body = append(body, o)
		}
	}
	for _, o := range arrObjs {
		if r.Intn(2) == 0 {
			g.arrs = append(g.arrs, o)
			body = append(body, &NewArr{O: o})
		}
	}
	// Accesses at run-time indices branch: a few statements fewer keep
	// programs with byte objects about as costly to compile as others.
	g.stmts -= len(g.arrs)
	for n := 1 + r.Intn(3); n > 0; n-- {
		body = append(body, g.local())
	}
	for g.stmts > 0 {
		body = append(body, g.stmt(2))
	}
	for i, v := range g.top {
		if i < MapOut.MaxEntries {
			body = append(body, &MapSet{M: MapOut, Key: &Const{V: uint64(i)}, Val: v})
		}
	}
	body = append(body, &Return{X: g.expr(3)})
	return &Prog{Seed: seed, Frame: frame, Funcs: funcs, Body: body}
}

func (g *gen) pick(n int) int { return g.r.Intn(n) }

// chance is true with probability 1/n.
func (g *gen) chance(n int) bool { return g.r.Intn(n) == 0 }

func (g *gen) visible() []*Var {
	var out []*Var
	for _, s := range g.scopes {
		out = append(out, s...)
	}
	return out
}

// block generates up to n statements in a new scope.
func (g *gen) block(depth, n int) []Stmt {
	g.scopes = append(g.scopes, nil)
	objs := len(g.objs)
	var out []Stmt
	for i := 0; i < n && g.stmts > 0; i++ {
		out = append(out, g.stmt(depth))
	}
	g.scopes = g.scopes[:len(g.scopes)-1]
	g.objs = g.objs[:objs]
	return out
}

// value makes e fit a local of class u: cast when its signedness class
// differs, and when it is a map read, whose truth is
// whether the entry exists and which the generator does not keep in
// locals.
func value(e Expr, u bool) Expr {
	if isUnsigned(e) != u || carriesMapRead(e) {
		t := Int64
		if u {
			t = Uint64
		}
		return &Cast{T: t, X: e}
	}
	return e
}

func carriesMapRead(e Expr) bool {
	_, ok := e.(*MapGet)
	return ok
}

func (g *gen) local() Stmt {
	g.nvars++
	e := g.expr(3)
	v := &Var{Name: fmt.Sprintf("x%d", g.nvars), U: isUnsigned(e)}
	if g.chance(5) {
		v.U = !v.U
	}
	g.scopes[len(g.scopes)-1] = append(g.scopes[len(g.scopes)-1], v)
	if len(g.scopes) == 1 {
		g.top = append(g.top, v)
	}
	return &Local{Name: v.Name, X: value(e, v.U)}
}

func (g *gen) stmt(depth int) Stmt {
	g.stmts--
	if g.canCall() && g.chance(6) {
		return &CallStmt{C: g.call()}
	}
	switch k := g.pick(27); {
	case k >= 20:
		if s := g.memStmt(k - 20); s != nil {
			return s
		}
		return g.local()
	case k < 3:
		return g.local()
	case k < 7:
		vs := g.visible()
		if len(vs) == 0 {
			return g.local()
		}
		v := vs[g.pick(len(vs))]
		return &Assign{Name: v.Name, X: value(g.expr(3), v.U)}
	case k < 10 && depth > 0:
		return g.ifStmt(depth)
	case k < 12 && depth > 0 && g.loops < 2:
		return g.forStmt(depth)
	case k < 14:
		m := MapH
		if g.chance(2) {
			m = MapA
		}
		if m == MapH && g.chance(4) {
			return &MapSet{M: m, Key: g.key(m)}
		}
		return &MapSet{M: m, Key: g.key(m), Val: g.expr(2)}
	case k < 15:
		m := MapH
		if g.chance(2) {
			m = MapA
		}
		return &XAdd{M: m, Key: g.key(m), Val: g.noCalls(func() Expr { return g.expr(2) })}
	case k < 18 && len(g.objs) > 0:
		o := g.objs[g.pick(len(g.objs))]
		f := &o.S.Fields[g.pick(len(o.S.Fields))]
		return &FieldSet{Obj: o.Name, S: o.S, F: f, Index: g.index(f), X: g.expr(3)}
	case k < 19 && g.loops > 0:
		return &If{Cond: g.cond(2), Then: []Stmt{&Break{}}}
	case k < 20 && g.chance(2):
		return &If{Cond: g.cond(2), Then: []Stmt{g.ret()}}
	}
	return g.local()
}

func (g *gen) ifStmt(depth int) Stmt {
	s := &If{Cond: g.cond(3), Then: g.block(depth-1, 1+g.pick(3))}
	switch g.pick(3) {
	case 0:
		s.Else = g.block(depth-1, 1+g.pick(2))
	case 1:
		if g.stmts > 0 {
			g.stmts--
			s.Else = []Stmt{g.ifStmt(depth)}
		}
	}
	return s
}

// forStmt is a loop of one to four trips, with bounds that are small or
// at the ends of the 64-bit range (where a trip count can overflow),
// no deeper than eight trips in all.
func (g *gen) forStmt(depth int) Stmt {
	trips := int64(1 + g.pick(4))
	for g.trips*int(trips) > 8 {
		trips--
	}
	steps := []int64{1, 1, 1, 2, -1, 3, -2}
	step := steps[g.pick(len(steps))]
	from := int64(g.pick(10)) - 3
	switch g.pick(8) {
	case 0:
		from = 1<<63 - 1 - (trips-1)*max(step, 0)
	case 1:
		from = -1<<63 - (trips-1)*min(step, 0)
	}
	to := from + (trips-1)*step
	if g.chance(3) && step > 1 && to < 1<<62 {
		to += step - 1 // a bound between two values of i
	}
	g.nvars++
	v := &Var{Name: fmt.Sprintf("i%d", g.nvars)}
	g.scopes = append(g.scopes, nil)
	g.fixed = append(g.fixed, v)
	g.loops++
	g.trips *= int(trips)
	body := g.block(depth-1, 1+g.pick(3))
	g.trips /= int(trips)
	g.loops--
	g.fixed = g.fixed[:len(g.fixed)-1]
	g.scopes = g.scopes[:len(g.scopes)-1]
	return &For{Var: v.Name, From: from, To: to, Step: step, Body: body}
}

// key is a map key: usually one of a few entries, sometimes past the
// array's end or any number.
func (g *gen) key(m *Map) Expr {
	switch g.pick(4) {
	case 0, 1:
		return &Const{V: uint64(g.pick(m.MaxEntries/2 + 2))}
	case 2:
		return &Binop{Op: "band", X: g.expr(2), Y: &Const{V: uint64(g.pick(8))}}
	}
	return g.expr(1)
}

// index is nil for a scalar member, else an array index: a constant in
// range (one out of range is a compile error) or a value the program
// reads at run time, sometimes out of range. A run-time index always
// involves a packet input, so that no folding makes it a constant.
func (g *gen) index(f *Field) Expr {
	if f.Len == 0 {
		return nil
	}
	in := &Pkt{In: g.in[g.pick(len(g.in))]}
	switch g.pick(3) {
	case 0:
		return &Const{V: uint64(g.pick(f.Len))}
	case 1:
		return &Binop{Op: "band", X: &Binop{Op: "+", X: g.expr(1), Y: in}, Y: &Const{V: 3}}
	}
	return &Binop{Op: "-", X: in, Y: &Const{V: in.In.V - uint64(g.pick(f.Len+2))}}
}

// cond is a condition: a comparison, often with 0 or 1, any value, a
// nil test, or and/or/not of conditions.
func (g *gen) cond(depth int) Expr {
	if g.canCall() && g.chance(6) {
		return g.call()
	}
	switch g.pick(10) {
	case 8:
		return g.strEq()
	case 9:
		if g.has(ObjKeys) {
			return &SHas{Key: g.idx(ObjKeys.N), Not: g.chance(3)}
		}
		return g.strEq()
	case 0, 1, 2:
		return g.compare(depth)
	case 3:
		return g.expr(depth)
	case 4:
		return &IsNil{X: g.expr(depth), Not: g.chance(2)}
	case 5:
		if depth > 0 {
			return &Unop{Op: "not", X: g.cond(depth - 1)}
		}
	case 6, 7:
		if depth > 0 {
			op := "and"
			if g.chance(2) {
				op = "or"
			}
			return &Binop{Op: op, X: g.cond(depth - 1), Y: g.cond(depth - 1)}
		}
	}
	return g.compare(depth)
}

var compareOps = []string{"<", "<=", ">", ">=", "==", "~="}

func (g *gen) compare(depth int) Expr {
	x := g.expr(depth)
	var y Expr
	switch g.pick(3) {
	case 0:
		y = &Const{V: uint64(g.pick(2)), ULL: g.chance(6)}
	case 1:
		y = g.constant()
	default:
		y = g.expr(depth)
	}
	if g.chance(2) {
		x, y = y, x
	}
	return &Binop{Op: compareOps[g.pick(len(compareOps))], X: x, Y: y}
}

var edges = []uint64{0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 65, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1<<53 + 1, 1<<63 - 1, 1 << 63,
	^uint64(0), ^uint64(1), ^uint64(6), ^uint64(127), ^uint64(0x7fffffff)}

func (g *gen) constant() *Const {
	c := &Const{ULL: g.chance(8), Hex: g.chance(4)}
	switch g.pick(4) {
	case 0, 1:
		c.V = uint64(g.pick(300)) - 20
	case 2:
		c.V = edges[g.pick(len(edges))]
	default:
		c.V = g.r.Uint64() >> uint(g.pick(64))
	}
	return c
}

func (g *gen) leaf() Expr {
	if g.canCall() && g.chance(5) {
		return g.callValue()
	}
	switch g.pick(13) {
	case 10:
		if b := g.buf(); b != nil {
			return &ByteGet{B: b, Index: g.byteIdx(b)}
		}
	case 11:
		if o := g.structArr(); o != nil {
			return &ElemGet{O: o, Index: g.idx(o.N), F: g.member(o.S, false)}
		}
	case 12:
		if g.has(ObjKeys) {
			return &SGet{Key: g.idx(ObjKeys.N), F: g.member(StructV, false)}
		}
	case 0, 1:
		return g.constant()
	case 2, 3, 4:
		vs := append(g.visible(), g.fixed...)
		if len(vs) > 0 {
			return param(vs[g.pick(len(vs))])
		}
	case 5, 6:
		return &Pkt{In: g.in[g.pick(len(g.in))]}
	case 7, 8:
		if len(g.objs) > 0 {
			o := g.objs[g.pick(len(g.objs))]
			f := &o.S.Fields[g.pick(len(o.S.Fields))]
			var idx Expr
			if f.Len > 0 {
				idx = &Const{V: uint64(g.pick(f.Len))}
				if g.chance(2) {
					idx = g.index(f)
				}
			}
			return &FieldGet{Obj: o.Name, S: o.S, F: f, Index: idx}
		}
	case 9:
		m := MapH
		if g.chance(2) {
			m = MapA
		}
		return &MapGet{M: m, Key: &Const{V: uint64(g.pick(6))}}
	}
	return &Pkt{In: g.in[g.pick(len(g.in))]}
}

var (
	arithOps = []string{"+", "-", "*", "+", "-"}
	bitOps   = []string{"band", "bor", "bxor"}
	shiftOps = []string{"lshift", "rshift", "arshift"}
)

// swappable is a value ntoh may take: one read or cast as a type of a
// known width.
func (g *gen) swappable() Expr {
	switch g.pick(3) {
	case 0:
		var ins []*Input
		for _, in := range g.in {
			if !in.NoSwap {
				ins = append(ins, in)
			}
		}
		return &Pkt{In: ins[g.pick(len(ins))]}
	case 1:
		ts := []*CType{Uint16, Int16, Uint32, Int32, Uint64, Uint8}
		return &Cast{T: ts[g.pick(len(ts))], X: g.expr(1)}
	}
	if len(g.objs) > 0 {
		o := g.objs[g.pick(len(g.objs))]
		f := &o.S.Fields[g.pick(len(o.S.Fields))]
		if f.Len == 0 && !f.Type.Bool && f.Type != Int64 {
			return &FieldGet{Obj: o.Name, S: o.S, F: f}
		}
	}
	return &Cast{T: Uint32, X: g.expr(1)}
}

func (g *gen) expr(depth int) Expr {
	if depth <= 0 || g.chance(4) {
		return g.leaf()
	}
	d := depth - 1
	switch g.pick(18) {
	case 17:
		return g.strEq()
	case 0, 1, 2:
		return &Binop{Op: arithOps[g.pick(len(arithOps))], X: g.expr(d), Y: g.expr(d)}
	case 3:
		op := "/"
		if g.chance(2) {
			op = "%"
		}
		var y Expr
		switch g.pick(3) {
		case 0:
			y = g.expr(d)
		case 1:
			y = &Const{V: uint64(1) << uint(g.pick(64)), ULL: g.chance(4)}
			if g.chance(3) {
				y = &Unop{Op: "-", X: y}
			}
		default:
			y = &Const{V: uint64(g.pick(19)) - 9}
		}
		return &Binop{Op: op, X: g.expr(d), Y: y}
	case 4, 5:
		return &Binop{Op: bitOps[g.pick(len(bitOps))], X: g.expr(d), Y: g.expr(d)}
	case 6, 7:
		var n Expr = &Const{V: uint64(g.pick(70))}
		if g.chance(3) {
			n = g.expr(d)
		}
		x := g.expr(d)
		if g.chance(3) {
			x = &Binop{Op: shiftOps[g.pick(3)], X: x, Y: &Const{V: uint64(g.pick(64))}}
		}
		return &Binop{Op: shiftOps[g.pick(3)], X: x, Y: n}
	case 8, 9:
		return g.compare(d)
	case 10:
		// cond and a or b, the conditional operator of Lua.
		return &Binop{Op: "or", X: &Binop{Op: "and", X: g.cond(d), Y: g.expr(d)}, Y: g.expr(d)}
	case 11:
		op := "and"
		if g.chance(2) {
			op = "or"
		}
		return &Binop{Op: op, X: g.expr(d), Y: g.expr(d)}
	case 12:
		ops := []string{"-", "bnot", "not"}
		return &Unop{Op: ops[g.pick(3)], X: g.expr(d)}
	case 13, 14:
		return &Cast{T: castTypes[g.pick(len(castTypes))], X: g.expr(d)}
	case 15:
		return &Swap{Hton: g.chance(3), X: g.swappable()}
	default:
		m := MapH
		if g.chance(2) {
			m = MapA
		}
		return &MapGet{M: m, Key: g.key(m)}
	}
}
