package ctype

// Parse parses a type the way ffi.typeof, ffi.new and ffi.cast accept it:
// a type name with an abstract declarator, e.g. "uint32_t", "char [40]",
// "uint8_t[?]", "const char *", "struct eth_t",
// "struct { char name[16]; int32_t stack_id; }" or "unsigned long long".
// Each `$` is replaced by the next entry of params, as in LuaJIT's
// parameterized types: Parse("$ [1]", u32) is uint32_t [1]. A struct tag
// must have been declared before; a tagged definition in decl registers
// the tag as Define would.
func (r *Registry) Parse(decl string, params ...*Type) (*Type, error) {
	p, err := newParser(r, decl, params)
	if err != nil {
		return nil, err
	}
	p.noImplicit = true
	var t *Type
	err = p.run(func() {
		t = p.typeName()
		if p.peek().kind != tEOF {
			p.fail("unexpected '" + p.peek().text + "' after type")
		}
		if p.nparam < len(p.params) {
			p.fail("too many parameters for '$'")
		}
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// MustParse is like Parse but panics on error. It is meant for fixed type
// spellings in Go code.
func (r *Registry) MustParse(decl string, params ...*Type) *Type {
	t, err := r.Parse(decl, params...)
	if err != nil {
		panic("ctype: " + decl + ": " + err.Error())
	}
	return t
}
