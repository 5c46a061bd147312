package ctype

// recordSpec parses what follows the keyword struct or union: an optional
// tag and an optional body. It returns the type and whether it is an
// untagged definition (a candidate anonymous member).
func (p *parser) recordSpec(kw string) (*Type, bool) {
	p.enter()
	defer p.leave()
	var a attrs
	p.attributes(&a)
	tag := ""
	tagTok := p.peek()
	if tagTok.kind == tIdent && !keywords[tagTok.text] {
		tag = p.next().text
	}
	p.attributes(&a)
	kind := Struct
	if kw == "union" {
		kind = Union
	}
	key := kw + " " + tag
	if !p.is("{") {
		if tag == "" {
			p.fail("'{' expected")
		}
		if t, ok := p.r.tags[key]; ok {
			return t, false
		}
		if p.noImplicit {
			p.failAt(tagTok, "undeclared or implicit tag '"+key+"'")
		}
		return p.implicitTag(key, kind), false
	}
	p.next()
	members, consts := p.members(kind)
	p.expect("}")
	p.attributes(&a)
	t := &Type{Kind: kind, Consts: consts}
	p.layout(t, members, a)
	if tag == "" {
		return t, true
	}
	t.Name = key
	old, ok := p.r.tags[key]
	switch {
	case !ok:
		p.r.tags[key] = t
	case old.Incomplete:
		*old = *t
		t = old
	case !sameLayout(old, t):
		p.fail("attempt to redefine '" + key + "'")
	default:
		t = old
	}
	return t, false
}

// implicitTag declares a struct or union tag that was named before its
// body, as `struct foo *p;` does in C.
func (p *parser) implicitTag(key string, kind Kind) *Type {
	t := &Type{Kind: kind, Name: key, Align: 1, Incomplete: true}
	p.r.tags[key] = t
	return t
}

// members parses struct or union members up to '}'.
func (p *parser) members(kind Kind) ([]member, map[string]int64) {
	var ms []member
	var consts map[string]int64
	for !p.is("}") {
		if p.peek().kind == tEOF {
			p.fail("'}' expected")
		}
		if p.accept(";") {
			continue
		}
		ds := p.declSpecs()
		if ds.storage == stStatic {
			if consts == nil {
				consts = map[string]int64{}
			}
			p.staticConsts(ds, consts)
			continue
		}
		if ds.storage != stNone {
			p.fail("storage class in a struct member")
		}
		if p.accept(";") {
			if ds.anon {
				ms = append(ms, member{typ: ds.typ, bits: -1, attrAlign: ds.attr.align, packed: ds.attr.packed})
			}
			continue
		}
		for {
			a := ds.attr
			name := ""
			var derivs []derivation
			if !p.is(":") {
				name, derivs = p.declarator(mustName, &a)
			}
			t := p.derive(ds.typ, derivs)
			bits := -1
			if p.accept(":") {
				bits = p.bitWidth(name, t)
			}
			p.attributes(&a)
			p.checkMember(ms, name, t, kind)
			ms = append(ms, member{name: name, typ: t, bits: bits, attrAlign: a.align, packed: a.packed})
			if !p.accept(",") {
				break
			}
		}
		p.expect(";")
	}
	return ms, consts
}

// staticConsts parses `static const int NAME = value, ...;` inside a
// struct (after the specifiers) into consts.
func (p *parser) staticConsts(ds declSpec, consts map[string]int64) {
	if !ds.typ.IsInteger() {
		p.fail("static member must be an integer constant")
	}
	for {
		name := p.ident()
		p.expect("=")
		consts[name] = castConst(ds.typ, p.constExpr())
		if !p.accept(",") {
			break
		}
	}
	p.expect(";")
}

// bitWidth parses and checks a bitfield width.
func (p *parser) bitWidth(name string, t *Type) int {
	w := p.constExpr()
	switch {
	case !t.IsInteger():
		p.fail("bit-field '" + name + "' has non-integer type")
	case w < 0:
		p.fail("bit-field '" + name + "' has negative width")
	case w == 0 && name != "":
		p.fail("named bit-field '" + name + "' has zero width")
	case w > int64(t.Size*8) || (t.Kind == Bool && w > 1):
		p.fail("width of bit-field '" + name + "' exceeds its type")
	}
	return int(w)
}

// checkMember rejects member types that cannot be laid out and duplicate
// names.
func (p *parser) checkMember(ms []member, name string, t *Type, kind Kind) {
	switch {
	case t.Kind == Void:
		p.fail("member '" + name + "' has type void")
	case t.Kind == Func:
		p.fail("member '" + name + "' has function type")
	case t.Incomplete:
		p.fail("member '" + name + "' has incomplete type '" + t.String() + "'")
	case t.Size < 0 && kind == Union:
		p.fail("variable-length member '" + name + "' in a union")
	}
	if len(ms) > 0 && ms[len(ms)-1].typ.Size < 0 {
		p.fail("variable-length member '" + ms[len(ms)-1].name + "' must be last")
	}
	if name == "" {
		return
	}
	for _, m := range ms {
		if m.name == name {
			p.fail("duplicate member '" + name + "'")
		}
		if m.name == "" && m.bits < 0 {
			if _, ok := m.typ.Field(name); ok {
				p.fail("duplicate member '" + name + "'")
			}
		}
	}
}

// sameLayout reports whether two struct or union definitions are
// identical, so that a repeated ffi.cdef of the same struct is harmless.
func sameLayout(a, b *Type) bool {
	if a.Kind != b.Kind || a.Size != b.Size || a.Align != b.Align || a.Packed != b.Packed ||
		len(a.Fields) != len(b.Fields) || len(a.Consts) != len(b.Consts) {
		return false
	}
	for k, v := range a.Consts {
		if w, ok := b.Consts[k]; !ok || w != v {
			return false
		}
	}
	for i, f := range a.Fields {
		g := b.Fields[i]
		if f.Name != g.Name || f.Offset != g.Offset || f.BitOffset != g.BitOffset || f.BitSize != g.BitSize {
			return false
		}
		same := f.Type.Equal(g.Type)
		if !same && f.Type.Name == "" && g.Type.Name == "" && f.Type.IsAggregate() {
			same = sameAnon(f.Type, g.Type)
		}
		if !same {
			return false
		}
	}
	return true
}

// sameAnon compares anonymous structs, unions and arrays of them by layout.
func sameAnon(a, b *Type) bool {
	if a.Kind == Array {
		return b.Kind == Array && a.Len == b.Len && (a.Elem.Equal(b.Elem) || sameAnon(a.Elem, b.Elem))
	}
	return (a.Kind == Struct || a.Kind == Union) && a.Name == "" && b.Name == "" && sameLayout(a, b)
}
