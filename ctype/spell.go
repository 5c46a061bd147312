package ctype

import "strings"

// String spells t as C that Parse accepts again: "uint32_t", "char *",
// "uint8_t [6]", "int (*)[3]", "struct eth_t", and anonymous structs and
// unions spelled out, e.g. "struct { uint64_t pid; char str[80]; }".
func (t *Type) String() string {
	return spell(t, "")
}

// spell returns the declaration of inner (a declarator such as "x", "*" or
// "[4]") with type t, the way C nests declarators.
func spell(t *Type, inner string) string {
	if t == nil {
		return join("<nil>", inner)
	}
	if t.Name != "" {
		return join(t.Name, inner)
	}
	switch t.Kind {
	case Pointer:
		d := "*" + inner
		if e := t.Elem; e != nil && e.Name == "" && (e.Kind == Array || e.Kind == Func) {
			d = "(" + d + ")"
		}
		return spell(t.Elem, d)
	case Array:
		n := "?"
		if t.Len >= 0 {
			n = itoa(int64(t.Len))
		}
		return spell(t.Elem, inner+"["+n+"]")
	case Func:
		return spell(t.Elem, inner+"("+spellParams(t)+")")
	case Struct, Union:
		return join(spellBody(t), inner)
	}
	return join(t.Kind.String(), inner)
}

// join puts a base type and a declarator together: "char" and "*" become
// "char *", "uint8_t" and "[6]" become "uint8_t [6]", a named member stays
// "char name[16]".
func join(base, inner string) string {
	if inner == "" {
		return base
	}
	return base + " " + inner
}

func spellParams(t *Type) string {
	if len(t.Params) == 0 && !t.Variadic {
		return "void"
	}
	var ps []string
	for _, p := range t.Params {
		ps = append(ps, p.String())
	}
	if t.Variadic {
		ps = append(ps, "...")
	}
	return strings.Join(ps, ", ")
}

// spellBody spells an anonymous struct or union with its members, so that
// parsing the text gives the same layout.
func spellBody(t *Type) string {
	var b strings.Builder
	b.WriteString(t.Kind.String())
	if t.Packed {
		b.WriteString(" __attribute__((packed))")
	}
	if t.attrAlign > 0 {
		b.WriteString(" __attribute__((aligned(" + itoa(int64(t.attrAlign)) + ")))")
	}
	b.WriteString(" {")
	members := t.decl
	if members == nil {
		for _, f := range t.Fields {
			bits := -1
			if f.BitSize > 0 {
				bits = f.BitSize
			}
			members = append(members, member{name: f.Name, typ: f.Type, bits: bits, attrAlign: f.attrAlign})
		}
	}
	for _, m := range members {
		b.WriteString(" ")
		b.WriteString(spell(m.typ, m.name))
		if m.bits >= 0 {
			if m.name == "" {
				b.WriteString(" ")
			}
			b.WriteString(":" + itoa(int64(m.bits)))
		}
		if m.attrAlign > 0 {
			b.WriteString(" __attribute__((aligned(" + itoa(int64(m.attrAlign)) + ")))")
		}
		if m.packed {
			b.WriteString(" __attribute__((packed))")
		}
		b.WriteString(";")
	}
	for _, name := range sortedKeys(t.Consts) {
		b.WriteString(" static const " + constType(t.Consts[name]) + " " + name + " = " + itoa(t.Consts[name]) + ";")
	}
	b.WriteString(" }")
	return b.String()
}

func constType(v int64) string {
	if v < -1<<31 || v > 1<<31-1 {
		return "long long"
	}
	return "int"
}
