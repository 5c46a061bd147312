package difftest

// Valid reports whether p is a program the generator could have made:
// every name is bound where it is used, locals keep their signedness
// class and never hold a map read, ntoh takes a value of a known width,
// and break is inside a loop. The minimiser keeps only valid programs,
// so that a shrunken program means what the original meant.
func Valid(p *Prog) bool {
	c := &checker{objs: map[string]bool{}, funcs: map[string]*Func{}}
	for _, f := range p.Funcs {
		c.scope = []map[string]bool{{}}
		for _, v := range f.Params {
			c.scope[0][v.Name] = v.U
		}
		c.fn = f
		if !c.block(f.Body, 0) || f.U && !endsInValue(f.Body) {
			return false
		}
		c.funcs[f.Name] = f // after its body: no recursion
	}
	c.scope, c.objs, c.fn = []map[string]bool{{}}, map[string]bool{}, nil
	return c.block(p.Body, 0)
}

// endsInValue reports whether body's last statement returns a value.
func endsInValue(body []Stmt) bool {
	if len(body) == 0 {
		return false
	}
	r, ok := body[len(body)-1].(*Return)
	return ok && r.X != nil
}

// call reports whether c calls a helper defined before the function it
// is in, with arguments of its parameters' classes, none missing but
// optional ones.
func (c *checker) call(x *Call) bool {
	f := c.funcs[x.F.Name]
	if f == nil {
		return false
	}
	for i, a := range x.Args {
		if !c.expr(a) || i < len(f.Params) && (isUnsigned(a) != f.Params[i].U || carriesMapRead(a)) {
			return false
		}
	}
	for _, p := range f.Params[min(len(x.Args), len(f.Params)):] {
		if !p.Opt {
			return false
		}
	}
	return true
}

type checker struct {
	scope []map[string]bool // name -> uint64_t class
	objs  map[string]bool
	funcs map[string]*Func // helpers defined so far
	fn    *Func            // the helper being checked, nil in the kernel function
}

func (c *checker) lookup(name string) (bool, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if u, ok := c.scope[i][name]; ok {
			return u, true
		}
	}
	return false, false
}

func (c *checker) block(body []Stmt, loops int) bool {
	c.scope = append(c.scope, map[string]bool{})
	defer func() { c.scope = c.scope[:len(c.scope)-1] }()
	for _, s := range body {
		if !c.stmt(s, loops) {
			return false
		}
	}
	return true
}

func (c *checker) assignable(x Expr, u bool) bool {
	return c.expr(x) && isUnsigned(x) == u && !carriesMapRead(x)
}

func (c *checker) stmt(s Stmt, loops int) bool {
	switch s := s.(type) {
	case *Local:
		if l, ok := s.X.(*LoadBytes); ok {
			if l.Dst.Map || !c.buf(l.Dst) || !c.expr(l.Off) || !(l.Len < 0 || l.Len >= 1 && l.Len <= l.Dst.Size()) {
				return false
			}
			c.scope[len(c.scope)-1][s.Name] = false
			return true
		}
		if !c.assignable(s.X, isUnsigned(s.X)) {
			return false
		}
		c.scope[len(c.scope)-1][s.Name] = isUnsigned(s.X)
		return true
	case *Assign:
		u, ok := c.lookup(s.Name)
		return ok && s.Name[0] == 'x' && c.assignable(s.X, u)
	case *If:
		return c.expr(s.Cond) && c.block(s.Then, loops) && c.block(s.Else, loops)
	case *For:
		c.scope = append(c.scope, map[string]bool{s.Var: false})
		defer func() { c.scope = c.scope[:len(c.scope)-1] }()
		return c.block(s.Body, loops+1)
	case *Break:
		return loops > 0
	case *MapSet:
		return c.expr(s.Key) && (s.Val == nil || c.expr(s.Val))
	case *XAdd:
		return c.expr(s.Key) && c.expr(s.Val)
	case *NewObj:
		c.objs[s.Name] = true
		return true
	case *FieldSet:
		return c.objs[s.Obj] && (s.Index == nil || c.expr(s.Index)) && c.expr(s.X)
	case *Return:
		switch {
		case s.X == nil:
			return c.fn != nil && !c.fn.U
		case c.fn != nil:
			return c.assignable(s.X, c.fn.U)
		}
		return c.expr(s.X)
	case *CallStmt:
		return c.call(s.C)
	case *NewArr:
		c.objs[s.O.Name] = true
		return true
	case *Copy:
		if !c.buf(s.Dst) {
			return false
		}
		switch x := s.Src.(type) {
		case *StrLit:
			return s.Len >= 0 || len(x.S) < s.Dst.Size()
		case *Buf:
			return c.buf(x)
		case *PktBytes:
			return !x.Slice && !s.Dst.Map
		}
		return false
	case *ByteSet:
		return c.buf(s.B) && c.expr(s.Index) && !(runtimeIndex(s.B.Index) && runtimeIndex(s.Index) && !s.B.Map) && c.expr(s.X)
	case *ElemSet:
		return c.objs[s.O.Name] && c.expr(s.Index) && c.expr(s.X)
	case *SSet:
		return c.objs[ObjKeys.Name] && c.expr(s.Key) && (s.Val == nil || c.objs[ObjVals.Name] && c.expr(s.Val))
	case *SFieldSet:
		return c.objs[ObjKeys.Name] && c.expr(s.Key) && c.expr(s.X)
	case *SXAdd:
		return c.objs[ObjKeys.Name] && c.expr(s.Key) && c.expr(s.X)
	}
	return false
}

// buf reports whether b names a char array in scope with a valid index.
func (c *checker) buf(b *Buf) bool {
	if b.Map && (b.O != ObjKeys || b.Tag) {
		return false
	}
	if !c.objs[b.O.Name] || (b.Index == nil) != (b.O.N == 0) {
		return false
	}
	return b.Index == nil || c.expr(b.Index)
}

func (c *checker) expr(e Expr) bool {
	switch e := e.(type) {
	case *Const, *Pkt:
		return true
	case *Var:
		u, ok := c.lookup(e.Name)
		return ok && u == e.U
	case *Call:
		return c.call(e)
	case *Unop:
		return c.expr(e.X)
	case *Binop:
		return c.expr(e.X) && c.expr(e.Y)
	case *IsNil:
		return c.expr(e.X)
	case *Cast:
		return c.expr(e.X)
	case *Swap:
		switch x := e.X.(type) {
		case *Pkt:
			return !x.In.NoSwap
		case *Cast:
			return x.T != Int64 && c.expr(x)
		case *FieldGet:
			return x.Index == nil && !x.F.Type.Bool && x.F.Type != Int64 && c.expr(x)
		}
		return false
	case *MapGet:
		return c.expr(e.Key)
	case *FieldGet:
		return c.objs[e.Obj] && (e.Index == nil || c.expr(e.Index))
	case *StrEq:
		switch x := e.X.(type) {
		case *Buf:
			return c.buf(x)
		case *STag:
			return c.objs[ObjKeys.Name] && c.expr(x.Key)
		case *PktBytes:
			return !x.Slice || x.W == len(e.Lit)
		case *Pkt:
			return len(e.Lit) == 1 && x.In.Type.Size == 1
		case *ByteGet:
			return len(e.Lit) == 1 && c.expr(x)
		}
		return false
	case *ByteGet:
		return c.buf(e.B) && c.expr(e.Index) && !(runtimeIndex(e.B.Index) && runtimeIndex(e.Index) && !e.B.Map)
	case *ElemGet:
		return c.objs[e.O.Name] && c.expr(e.Index)
	case *SGet:
		return c.objs[ObjKeys.Name] && c.expr(e.Key)
	case *SHas:
		return c.objs[ObjKeys.Name] && c.expr(e.Key)
	}
	return false
}
