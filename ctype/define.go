package ctype

// Define adds the declarations in src, as ffi.cdef does: struct, union and
// enum definitions (named ones register their tag; enum constants become
// named integer constants), typedefs (function-pointer typedefs included),
// function prototypes, extern variables and `static const` integer
// constants. Several declarations separated by ';' may appear in one
// string. Redefining a struct, typedef or constant differently is an
// error; an identical redefinition is not. On error, declarations before
// the failing one stay defined.
func (r *Registry) Define(src string) error {
	p, err := newParser(r, src, nil)
	if err != nil {
		return err
	}
	return p.run(func() {
		for p.peek().kind != tEOF {
			p.declaration()
		}
	})
}

// declaration parses one top-level declaration up to its ';'.
func (p *parser) declaration() {
	if p.accept(";") {
		return
	}
	ds := p.declSpecs()
	if p.accept(";") {
		return // a tag declaration or definition only
	}
	if p.peek().kind == tEOF {
		p.fail("';' expected")
	}
	for {
		a := ds.attr
		name, derivs := p.declarator(mustName, &a)
		t := p.derive(ds.typ, derivs)
		p.attributes(&a)
		if p.is("{") {
			p.fail("function definitions are not supported")
		}
		switch {
		case ds.storage == stTypedef:
			p.typedef(name, t, a)
		case t.Kind == Func:
			p.declareFunc(name, t)
		case ds.storage == stStatic || (ds.isConst && p.is("=")):
			p.expect("=")
			if !t.IsInteger() {
				p.fail("constant '" + name + "' must have an integer type")
			}
			p.defineConst(name, castConst(t, p.constExpr()))
		default:
			p.declareVar(name, t)
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(";")
}

// typedef registers name for t. An aligned attribute on a typedef sets the
// alignment of the new name, as GCC does.
func (p *parser) typedef(name string, t *Type, a attrs) {
	if (t.Kind == Struct || t.Kind == Union) && t.Name == "" && a.align == 0 {
		// Name an anonymous struct after its first typedef, so it spells
		// as a name a registry knows, as C programmers expect.
		t.Name = name
	} else if t.Kind != Struct && t.Kind != Union || a.align > 0 {
		c := *t
		c.Name = name
		if a.align > 0 {
			c.Align = a.align
		}
		t = &c
	}
	if old, ok := p.r.typedefs[name]; ok {
		if !old.Equal(t) && !(old.Name == t.Name && sameLayout(old, t)) || old.Align != t.Align {
			p.fail("attempt to redefine '" + name + "'")
		}
		return
	}
	p.r.typedefs[name] = t
}

func (p *parser) declareFunc(name string, t *Type) {
	if old, ok := p.r.funcs[name]; ok && !old.Equal(t) {
		p.fail("attempt to redefine '" + name + "'")
	}
	p.r.funcs[name] = t
}

func (p *parser) declareVar(name string, t *Type) {
	if t.Kind == Void {
		p.fail("variable '" + name + "' has type void")
	}
	if old, ok := p.r.vars[name]; ok && !old.Equal(t) {
		p.fail("attempt to redefine '" + name + "'")
	}
	p.r.vars[name] = t
}
