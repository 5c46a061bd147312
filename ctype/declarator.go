package ctype

// derivation is one step from a base type to a declared type: a pointer,
// an array or a function.
type derivation struct {
	kind     Kind // Pointer, Array or Func
	len      int  // Array: length; -1 for [?]
	params   []*Type
	variadic bool
}

// nameMode says whether a declarator must, may or must not name something.
type nameMode uint8

const (
	mustName nameMode = iota // declarations and struct members
	mayName                  // function parameters
	noName                   // type names: Parse, casts, sizeof
)

// declarator parses a (possibly abstract) declarator and returns the name
// it declares and the derivations to apply to the base type, in order.
func (p *parser) declarator(mode nameMode, a *attrs) (string, []derivation) {
	p.enter()
	defer p.leave()
	var ds []derivation
	for {
		if p.accept("*") || p.accept("^") {
			ds = append(ds, derivation{kind: Pointer})
			continue
		}
		if p.skipQualifier(a) {
			continue
		}
		break
	}
	var name string
	var inner []derivation
	switch t := p.peek(); {
	case p.is("(") && p.groupingParen(mode):
		p.next()
		name, inner = p.declarator(mode, a)
		p.expect(")")
	case t.kind == tIdent && !keywords[t.text] && mode != noName:
		name = p.next().text
	}
	p.attributes(a)
	var suffixes []derivation
	for {
		if p.accept("[") {
			suffixes = append(suffixes, derivation{kind: Array, len: p.arrayLen()})
		} else if p.is("(") {
			params, variadic := p.paramList()
			suffixes = append(suffixes, derivation{kind: Func, params: params, variadic: variadic})
		} else {
			break
		}
		p.attributes(a)
	}
	for i := len(suffixes) - 1; i >= 0; i-- {
		ds = append(ds, suffixes[i])
	}
	ds = append(ds, inner...)
	if name == "" && mode == mustName {
		p.fail("identifier expected")
	}
	return name, ds
}

// skipQualifier consumes a qualifier, calling convention or attribute that
// may follow '*'.
func (p *parser) skipQualifier(a *attrs) bool {
	t := p.peek()
	if t.kind != tIdent {
		return false
	}
	switch {
	case t.text == "const" || t.text == "__const" || t.text == "__const__" || ignoredWords[t.text]:
		p.next()
		return true
	case isAttrWord(t.text):
		p.attributes(a)
		return true
	}
	return false
}

// groupingParen reports whether the '(' at the current token opens a
// parenthesized declarator rather than a parameter list.
func (p *parser) groupingParen(mode nameMode) bool {
	t := p.peekAt(1)
	switch t.kind {
	case tPunct:
		return t.text == "*" || t.text == "^" || t.text == "(" || t.text == "["
	case tIdent:
		if isAttrWord(t.text) || t.text == "__cdecl" || t.text == "__stdcall" || t.text == "__fastcall" {
			return true
		}
		if keywords[t.text] {
			return false
		}
		if _, ok := p.r.typedefs[t.text]; ok {
			return false
		}
		return mode != noName
	}
	return false
}

// arrayLen parses the inside of '[' ... ']': empty (a flexible array
// member, length 0), '?' (variable length, -1) or a constant expression.
func (p *parser) arrayLen() int {
	for p.accept("static") || p.accept("const") || p.accept("volatile") || p.accept("restrict") {
	}
	if p.accept("]") {
		return 0
	}
	if p.accept("?") {
		p.expect("]")
		return -1
	}
	c := p.condExpr()
	n := c.v
	if n < 0 && !c.u {
		p.fail("size of array is negative")
	}
	if n < 0 || n > maxSize {
		p.fail("size of array is too large")
	}
	p.expect("]")
	return int(n)
}

// paramList parses a function's parameter list.
func (p *parser) paramList() ([]*Type, bool) {
	p.enter()
	defer p.leave()
	p.expect("(")
	if p.accept(")") {
		return nil, false
	}
	if p.is("void") && p.peekAt(1).kind == tPunct && p.peekAt(1).text == ")" {
		p.next()
		p.next()
		return nil, false
	}
	var params []*Type
	variadic := false
	for {
		if p.accept("...") {
			variadic = true
			break
		}
		ds := p.declSpecs()
		a := ds.attr
		_, derivs := p.declarator(mayName, &a)
		t := p.derive(ds.typ, derivs)
		switch t.Kind {
		case Array:
			t = pointerTo(t.Elem)
		case Func:
			t = pointerTo(t)
		case Void:
			p.fail("parameter has type void")
		}
		params = append(params, t)
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return params, variadic
}

func pointerTo(t *Type) *Type {
	return &Type{Kind: Pointer, Size: 8, Align: 8, Elem: t}
}

// derive applies derivations to a base type, checking that each step is a
// valid C type.
func (p *parser) derive(t *Type, ds []derivation) *Type {
	for _, d := range ds {
		switch d.kind {
		case Pointer:
			t = pointerTo(t)
		case Array:
			t = p.arrayOf(t, d.len)
		case Func:
			if t.Kind == Array || t.Kind == Func {
				p.fail("function cannot return an array or a function")
			}
			t = &Type{Kind: Func, Elem: t, Params: d.params, Variadic: d.variadic, Align: 1}
		}
	}
	return t
}

// arrayOf returns the type `t [n]`, n == -1 meaning `[?]`.
func (p *parser) arrayOf(t *Type, n int) *Type {
	switch {
	case t.Kind == Void || t.Kind == Func:
		p.fail("array of " + t.Kind.String() + " is not allowed")
	case t.Incomplete:
		p.fail("array has incomplete element type '" + t.String() + "'")
	case t.Size < 0:
		p.fail("only the outermost array dimension can be '[?]'")
	}
	size := -1
	if n >= 0 {
		if t.Size > 0 && n > maxSize/t.Size {
			p.fail("size of array is too large")
		}
		size = n * t.Size
	}
	return &Type{Kind: Array, Elem: t, Len: n, Size: size, Align: t.Align}
}
