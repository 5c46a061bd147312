package difftest

// Minimize shrinks p while fails(p) holds: it drops statements, inlines
// the branches of ifs and the bodies of loops, cuts loops to one trip,
// and replaces expressions by an operand or by 0, keeping only programs
// [Valid] accepts. It returns the smallest failing program it found.
func Minimize(p *Prog, fails func(*Prog) bool) *Prog {
	for {
		shrunk := false
		for k := 0; ; k++ {
			q, ok := mutate(p, k)
			if !ok {
				break
			}
			if Valid(q) && fails(q) {
				p, shrunk = q, true
				k--
			}
		}
		if !shrunk {
			return p
		}
	}
}

// mutator applies the k-th of all the changes a walk of a program
// offers, counting them in the walk's order.
type mutator struct {
	k, n int
	done bool
}

func (m *mutator) hit() bool {
	if m.done {
		return false
	}
	m.n++
	if m.n-1 == m.k {
		m.done = true
		return true
	}
	return false
}

// mutate returns a copy of p with its k-th change applied, or false when
// p offers fewer than k+1.
func mutate(p *Prog, k int) (*Prog, bool) {
	m := &mutator{k: k}
	funcs := make([]*Func, len(p.Funcs))
	for i, f := range p.Funcs {
		funcs[i] = &Func{Name: f.Name, Params: f.Params, U: f.U, MayNil: f.MayNil, Body: m.block(cloneStmts(f.Body))}
	}
	body := m.block(cloneStmts(p.Body))
	if !m.done {
		return nil, false
	}
	return &Prog{Seed: p.Seed, Frame: p.Frame, Funcs: funcs, Body: body}, true
}

func (m *mutator) block(body []Stmt) []Stmt {
	for i := 0; i < len(body) && !m.done; i++ {
		rest := body[i+1:]
		with := func(ss ...Stmt) []Stmt {
			out := append(append([]Stmt{}, body[:i]...), ss...)
			return append(out, rest...)
		}
		if m.hit() {
			return with()
		}
		switch s := body[i].(type) {
		case *If:
			if m.hit() {
				return with(s.Then...)
			}
			if m.hit() {
				return with(s.Else...)
			}
			s.Then = m.block(s.Then)
			s.Else = m.block(s.Else)
			m.expr(&s.Cond)
		case *For:
			if s.To != s.From && m.hit() {
				s.To = s.From
				return body
			}
			if m.hit() {
				return with(append([]Stmt{&Local{Name: s.Var, X: &Const{V: uint64(s.From)}}}, s.Body...)...)
			}
			s.Body = m.block(s.Body)
		case *Local:
			m.expr(&s.X)
		case *Assign:
			m.expr(&s.X)
		case *MapSet:
			m.expr(&s.Key)
			if s.Val != nil {
				m.expr(&s.Val)
			}
		case *XAdd:
			m.expr(&s.Key)
			m.expr(&s.Val)
		case *FieldSet:
			if s.Index != nil {
				m.expr(&s.Index)
			}
			m.expr(&s.X)
		case *Return:
			if s.X != nil {
				m.expr(&s.X)
			}
		case *CallStmt:
			m.args(s.C)
		case *Copy:
			m.buf(s.Dst)
			m.expr(&s.Src)
		case *ByteSet:
			m.buf(s.B)
			m.expr(&s.Index)
			m.expr(&s.X)
		case *ElemSet:
			m.expr(&s.Index)
			m.expr(&s.X)
		case *SSet:
			if s.Val != nil && m.hit() {
				s.Val = nil // the update becomes a delete
				return body
			}
			m.expr(&s.Key)
			if s.Val != nil {
				m.expr(&s.Val)
			}
		case *SFieldSet:
			m.expr(&s.Key)
			m.expr(&s.X)
		case *SXAdd:
			m.expr(&s.Key)
			m.expr(&s.X)
		}
	}
	return body
}

// args offers dropping a call's last argument, then changes inside the
// arguments.
func (m *mutator) args(c *Call) {
	if len(c.Args) > 0 && m.hit() {
		c.Args = c.Args[:len(c.Args)-1]
		return
	}
	for i := range c.Args {
		m.expr(&c.Args[i])
	}
}

func (m *mutator) buf(b *Buf) {
	if b.Index != nil {
		m.expr(&b.Index)
	}
}

// expr offers: e replaced by 0, by each operand, then changes inside.
func (m *mutator) expr(e *Expr) {
	if m.done {
		return
	}
	if c, ok := (*e).(*Const); !ok || c.V != 0 {
		if m.hit() {
			*e = &Const{ULL: isUnsigned(*e)}
			return
		}
	}
	for _, sub := range operands(*e) {
		if m.hit() {
			*e = *sub
			return
		}
	}
	if c, ok := (*e).(*Call); ok {
		m.args(c)
		return
	}
	for _, sub := range operands(*e) {
		m.expr(sub)
	}
}

func operands(e Expr) []*Expr {
	switch e := e.(type) {
	case *Unop:
		return []*Expr{&e.X}
	case *Call:
		out := make([]*Expr, len(e.Args))
		for i := range e.Args {
			out[i] = &e.Args[i]
		}
		return out
	case *Binop:
		return []*Expr{&e.X, &e.Y}
	case *IsNil:
		return []*Expr{&e.X}
	case *Cast:
		return []*Expr{&e.X}
	case *Swap:
		return []*Expr{&e.X}
	case *MapGet:
		return []*Expr{&e.Key}
	case *FieldGet:
		if e.Index != nil {
			return []*Expr{&e.Index}
		}
	case *Buf:
		if e.Index != nil {
			return []*Expr{&e.Index}
		}
	case *STag:
		return []*Expr{&e.Key}
	case *StrEq:
		return []*Expr{&e.X}
	case *ByteGet:
		if e.B.Index != nil {
			return []*Expr{&e.B.Index, &e.Index}
		}
		return []*Expr{&e.Index}
	case *ElemGet:
		return []*Expr{&e.Index}
	case *SGet:
		return []*Expr{&e.Key}
	case *SHas:
		return []*Expr{&e.Key}
	case *LoadBytes:
		if e.Dst.Index != nil {
			return []*Expr{&e.Off, &e.Dst.Index}
		}
		return []*Expr{&e.Off}
	}
	return nil
}

func cloneStmts(body []Stmt) []Stmt {
	out := make([]Stmt, len(body))
	for i, s := range body {
		out[i] = cloneStmt(s)
	}
	return out
}

func cloneStmt(s Stmt) Stmt {
	switch s := s.(type) {
	case *Local:
		return &Local{Name: s.Name, X: cloneExpr(s.X)}
	case *Assign:
		return &Assign{Name: s.Name, X: cloneExpr(s.X)}
	case *If:
		return &If{Cond: cloneExpr(s.Cond), Then: cloneStmts(s.Then), Else: cloneStmts(s.Else)}
	case *For:
		c := *s
		c.Body = cloneStmts(s.Body)
		return &c
	case *Break:
		return &Break{}
	case *MapSet:
		return &MapSet{M: s.M, Key: cloneExpr(s.Key), Val: cloneExpr(s.Val)}
	case *XAdd:
		return &XAdd{M: s.M, Key: cloneExpr(s.Key), Val: cloneExpr(s.Val)}
	case *NewObj:
		c := *s
		return &c
	case *FieldSet:
		return &FieldSet{Obj: s.Obj, S: s.S, F: s.F, Index: cloneExpr(s.Index), X: cloneExpr(s.X)}
	case *Return:
		return &Return{X: cloneExpr(s.X)}
	case *CallStmt:
		return &CallStmt{C: cloneCall(s.C)}
	case *NewArr:
		return &NewArr{O: s.O}
	case *Copy:
		return &Copy{Dst: cloneBuf(s.Dst), Src: cloneExpr(s.Src), Len: s.Len}
	case *ByteSet:
		return &ByteSet{B: cloneBuf(s.B), Index: cloneExpr(s.Index), X: cloneExpr(s.X)}
	case *ElemSet:
		return &ElemSet{O: s.O, Index: cloneExpr(s.Index), F: s.F, X: cloneExpr(s.X)}
	case *SSet:
		return &SSet{Key: cloneExpr(s.Key), Val: cloneExpr(s.Val)}
	case *SFieldSet:
		return &SFieldSet{Key: cloneExpr(s.Key), F: s.F, X: cloneExpr(s.X)}
	case *SXAdd:
		return &SXAdd{Key: cloneExpr(s.Key), F: s.F, X: cloneExpr(s.X)}
	}
	panic("difftest: unknown statement")
}

func cloneExpr(e Expr) Expr {
	switch e := e.(type) {
	case nil:
		return nil
	case *Const:
		c := *e
		return &c
	case *Var:
		c := *e
		return &c
	case *Pkt:
		return &Pkt{In: e.In}
	case *Unop:
		return &Unop{Op: e.Op, X: cloneExpr(e.X)}
	case *Call:
		return cloneCall(e)
	case *Binop:
		return &Binop{Op: e.Op, X: cloneExpr(e.X), Y: cloneExpr(e.Y)}
	case *IsNil:
		return &IsNil{X: cloneExpr(e.X), Not: e.Not}
	case *Cast:
		return &Cast{T: e.T, X: cloneExpr(e.X)}
	case *Swap:
		return &Swap{Hton: e.Hton, X: cloneExpr(e.X)}
	case *MapGet:
		return &MapGet{M: e.M, Key: cloneExpr(e.Key)}
	case *FieldGet:
		return &FieldGet{Obj: e.Obj, S: e.S, F: e.F, Index: cloneExpr(e.Index)}
	case *Buf:
		return cloneBuf(e)
	case *PktBytes:
		c := *e
		return &c
	case *STag:
		return &STag{Key: cloneExpr(e.Key)}
	case *StrLit:
		return &StrLit{S: e.S}
	case *StrEq:
		return &StrEq{X: cloneExpr(e.X), Lit: e.Lit, Not: e.Not}
	case *ByteGet:
		return &ByteGet{B: cloneBuf(e.B), Index: cloneExpr(e.Index)}
	case *ElemGet:
		return &ElemGet{O: e.O, Index: cloneExpr(e.Index), F: e.F}
	case *SGet:
		return &SGet{Key: cloneExpr(e.Key), F: e.F}
	case *SHas:
		return &SHas{Key: cloneExpr(e.Key), Not: e.Not}
	case *LoadBytes:
		return &LoadBytes{Off: cloneExpr(e.Off), Dst: cloneBuf(e.Dst), Len: e.Len}
	}
	panic("difftest: unknown expression")
}

func cloneCall(c *Call) *Call {
	args := make([]Expr, len(c.Args))
	for i, a := range c.Args {
		args[i] = cloneExpr(a)
	}
	return &Call{F: c.F, Args: args}
}

func cloneBuf(b *Buf) *Buf {
	return &Buf{O: b.O, Index: cloneExpr(b.Index), Tag: b.Tag, Map: b.Map}
}
