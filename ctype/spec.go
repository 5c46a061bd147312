package ctype

import "strings"

// storage is the storage class of a declaration.
type storage uint8

const (
	stNone storage = iota
	stTypedef
	stExtern
	stStatic
)

// declSpec is the result of parsing declaration specifiers.
type declSpec struct {
	typ     *Type
	storage storage
	isConst bool
	attr    attrs
	// record is set when the specifiers were a struct, union or enum
	// specifier; anon reports an untagged struct or union definition,
	// which can be an anonymous member.
	record bool
	anon   bool
}

// words that only qualify or decorate a declaration and are ignored.
var ignoredWords = map[string]bool{
	"volatile": true, "__volatile": true, "__volatile__": true,
	"restrict": true, "__restrict": true, "__restrict__": true,
	"inline": true, "__inline": true, "__inline__": true,
	"register": true, "auto": true, "__extension__": true, "_Atomic": true,
	"__cdecl": true, "__stdcall": true, "__fastcall": true, "__thiscall": true,
}

// baseWords are the keywords that combine into a base type name.
var baseWords = map[string]bool{
	"void": true, "_Bool": true, "char": true, "short": true, "int": true, "long": true,
	"float": true, "double": true, "signed": true, "__signed": true, "__signed__": true,
	"unsigned": true,
}

// declSpecs parses declaration specifiers. It fails if there is no type
// in them.
func (p *parser) declSpecs() declSpec {
	var ds declSpec
	var words []string
	for {
		t := p.peek()
		if t.kind == tParam {
			if ds.typ != nil || len(words) > 0 {
				p.fail("invalid combination of type specifiers")
			}
			p.next()
			ds.typ = p.param()
			continue
		}
		if t.kind != tIdent {
			break
		}
		switch w := t.text; {
		case w == "typedef" || w == "extern" || w == "static":
			if ds.storage != stNone {
				p.fail("multiple storage classes")
			}
			ds.storage = map[string]storage{"typedef": stTypedef, "extern": stExtern, "static": stStatic}[w]
			p.next()
		case w == "const" || w == "__const" || w == "__const__":
			ds.isConst = true
			p.next()
		case ignoredWords[w]:
			p.next()
		case isAttrWord(w):
			p.attributes(&ds.attr)
		case w == "_Alignas":
			p.next()
			p.expect("(")
			a := p.alignValue(p.constExprOrType())
			p.expect(")")
			ds.attr.align = max(ds.attr.align, a)
		case baseWords[w]:
			if ds.typ != nil {
				p.fail("invalid combination of type specifiers")
			}
			words = append(words, w)
			p.next()
		case w == "struct" || w == "union" || w == "enum":
			if ds.typ != nil || len(words) > 0 {
				p.fail("invalid combination of type specifiers")
			}
			p.next()
			ds.record = true
			if w == "enum" {
				ds.typ = p.enumSpec()
			} else {
				ds.typ, ds.anon = p.recordSpec(w)
			}
		default:
			if ds.typ != nil || len(words) > 0 || keywords[w] {
				return p.finishSpecs(ds, words)
			}
			td, ok := p.r.typedefs[w]
			if !ok {
				if len(words) == 0 && ds.typ == nil {
					p.fail("unknown type name '" + w + "'")
				}
				return p.finishSpecs(ds, words)
			}
			p.next()
			ds.typ = td
		}
	}
	return p.finishSpecs(ds, words)
}

func (p *parser) finishSpecs(ds declSpec, words []string) declSpec {
	if len(words) > 0 {
		ds.typ = p.baseType(words)
	}
	if ds.typ == nil {
		p.fail("type expected")
	}
	return ds
}

// param returns the next `$` parameter.
func (p *parser) param() *Type {
	if p.nparam >= len(p.params) || p.params[p.nparam] == nil {
		p.fail("missing parameter for '$'")
	}
	t := p.params[p.nparam]
	p.nparam++
	return t
}

// baseType resolves a combination of base type keywords such as
// "unsigned long int" to a built-in type.
func (p *parser) baseType(words []string) *Type {
	var signed, unsigned, short, long, char, intw, other int
	var otherName string
	for _, w := range words {
		switch w {
		case "signed", "__signed", "__signed__":
			signed++
		case "unsigned":
			unsigned++
		case "short":
			short++
		case "long":
			long++
		case "char":
			char++
		case "int":
			intw++
		default:
			other++
			otherName = w
		}
	}
	bad := func() *Type {
		p.fail("invalid combination of type specifiers '" + strings.Join(words, " ") + "'")
		return nil
	}
	if signed+unsigned > 1 || intw > 1 || char > 1 || short > 1 || long > 2 || other > 1 {
		return bad()
	}
	if other == 1 {
		switch {
		case otherName == "double" && long == 1 && signed+unsigned+short+char+intw == 0:
			return p.r.base["long double"]
		case signed+unsigned+short+long+char+intw > 0:
			return bad()
		case otherName == "_Bool":
			return p.r.base["bool"]
		}
		return p.r.base[otherName]
	}
	var name string
	switch {
	case char == 1:
		if short+long+intw > 0 {
			return bad()
		}
		name = "char"
		if signed == 1 {
			return p.r.base["signed char"]
		}
	case short == 1:
		if long > 0 {
			return bad()
		}
		name = "short"
	case long == 2:
		name = "long long"
	case long == 1:
		name = "long"
	default:
		name = "int"
	}
	if unsigned == 1 {
		name = "unsigned " + name
	}
	return p.r.base[name]
}
