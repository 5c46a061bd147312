package ctype

// enumSpec parses what follows the keyword enum. Enum types are integers:
// unsigned int when no value is negative, int otherwise, widened to 64
// bits when a value needs it, and as narrow as possible when packed.
func (p *parser) enumSpec() *Type {
	var a attrs
	p.attributes(&a)
	tag := ""
	tagTok := p.peek()
	if tagTok.kind == tIdent && !keywords[tagTok.text] {
		tag = p.next().text
	}
	p.attributes(&a)
	key := "enum " + tag
	if !p.accept("{") {
		if tag == "" {
			p.fail("'{' expected")
		}
		if t, ok := p.r.tags[key]; ok {
			return t
		}
		if p.noImplicit {
			p.failAt(tagTok, "undeclared or implicit tag '"+key+"'")
		}
		t := intType(key, 4, false)
		p.r.tags[key] = t
		return t
	}
	var lo, hi, next int64
	first := true
	for !p.is("}") {
		name := p.ident()
		v := next
		if p.accept("=") {
			v = p.constExpr()
		}
		p.defineConst(name, v)
		if first || v < lo {
			lo = v
		}
		if first || v > hi {
			hi = v
		}
		first = false
		next = v + 1
		if !p.accept(",") {
			break
		}
	}
	p.expect("}")
	p.attributes(&a)
	t := enumType(lo, hi, a.packed)
	if a.align > t.Align {
		t.Align = a.align
	}
	if tag == "" {
		t.Name = p.r.intName(t)
		return t
	}
	t.Name = key
	if old, ok := p.r.tags[key]; ok {
		if old.Size != t.Size || old.Signed != t.Signed {
			p.fail("attempt to redefine '" + key + "'")
		}
		*old = *t
		return old
	}
	p.r.tags[key] = t
	return t
}

// enumType picks the integer type that holds lo..hi.
func enumType(lo, hi int64, packed bool) *Type {
	signed := lo < 0
	size := 4
	if packed {
		size = 1
	}
	for ; size < 8; size *= 2 {
		bits := uint(size * 8)
		if signed && lo >= -1<<(bits-1) && hi < 1<<(bits-1) || !signed && uint64(hi) < 1<<bits {
			break
		}
	}
	return &Type{Kind: Int, Size: size, Align: size, Signed: signed}
}

// intName is the base spelling of an integer type with t's size and sign,
// used to name anonymous enums.
func (r *Registry) intName(t *Type) string {
	for _, n := range []string{"int", "unsigned int", "long", "unsigned long", "short", "unsigned short", "signed char", "unsigned char"} {
		if b := r.base[n]; b.Size == t.Size && b.Signed == t.Signed {
			return n
		}
	}
	return "int"
}

// defineConst registers a named integer constant; redefining it with the
// same value is allowed.
func (p *parser) defineConst(name string, v int64) {
	if old, ok := p.r.consts[name]; ok && old != v {
		p.fail("attempt to redefine '" + name + "'")
	}
	p.r.consts[name] = v
}
