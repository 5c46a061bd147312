package ctype

// Constant expressions in array sizes, bitfield widths, enum values,
// static const initializers and attributes. Values are int64; shifts by
// 64 or more give 0 (or -1 for negative values shifted right).

// binaryPrec gives each binary operator its precedence; higher binds
// tighter.
var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// constExpr parses a conditional expression and returns its value.
func (p *parser) constExpr() int64 {
	p.enter()
	defer p.leave()
	c := p.binaryExpr(1)
	if !p.accept("?") {
		return c
	}
	a := p.constExpr()
	p.expect(":")
	b := p.constExpr()
	if c != 0 {
		return a
	}
	return b
}

// constExprOrType parses the argument of _Alignas: a type name gives its
// alignment.
func (p *parser) constExprOrType() int64 {
	if p.startsType(p.peek()) {
		return int64(p.typeName().Align)
	}
	return p.constExpr()
}

func (p *parser) binaryExpr(minPrec int) int64 {
	x := p.unaryExpr()
	for {
		t := p.peek()
		prec, ok := binaryPrec[t.text]
		if t.kind != tPunct || !ok || prec < minPrec {
			return x
		}
		p.next()
		y := p.binaryExpr(prec + 1)
		x = p.apply(t.text, x, y)
	}
}

func (p *parser) apply(op string, x, y int64) int64 {
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch op {
	case "||":
		return b(x != 0 || y != 0)
	case "&&":
		return b(x != 0 && y != 0)
	case "|":
		return x | y
	case "^":
		return x ^ y
	case "&":
		return x & y
	case "==":
		return b(x == y)
	case "!=":
		return b(x != y)
	case "<":
		return b(x < y)
	case ">":
		return b(x > y)
	case "<=":
		return b(x <= y)
	case ">=":
		return b(x >= y)
	case "<<":
		if y < 0 || y >= 64 {
			return 0
		}
		return x << uint(y)
	case ">>":
		if y < 0 || y >= 64 {
			return x >> 63
		}
		return x >> uint(y)
	case "+":
		return x + y
	case "-":
		return x - y
	case "*":
		return x * y
	case "/", "%":
		if y == 0 {
			p.fail("division by zero in constant expression")
		}
		if op == "/" {
			return x / y
		}
		return x % y
	}
	p.fail("unsupported operator '" + op + "'")
	return 0
}

func (p *parser) unaryExpr() int64 {
	p.enter()
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == tNumber || t.kind == tChar:
		p.next()
		return t.num
	case t.kind == tPunct && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "!"):
		p.next()
		v := p.unaryExpr()
		switch t.text {
		case "-":
			return -v
		case "~":
			return ^v
		case "!":
			if v == 0 {
				return 1
			}
			return 0
		}
		return v
	case t.kind == tPunct && t.text == "(":
		if p.startsType(p.peekAt(1)) {
			p.next()
			ty := p.typeName()
			p.expect(")")
			return castConst(ty, p.unaryExpr())
		}
		p.next()
		v := p.constExpr()
		p.expect(")")
		return v
	case t.kind == tIdent && (t.text == "sizeof" || t.text == "_Alignof" || t.text == "__alignof__" || t.text == "alignof"):
		p.next()
		return p.sizeofExpr(t.text == "sizeof")
	case t.kind == tIdent:
		if v, ok := p.r.consts[t.text]; ok {
			p.next()
			return v
		}
		p.fail("undeclared identifier '" + t.text + "' in constant expression")
	}
	p.fail("constant expression expected")
	return 0
}

// sizeofExpr parses the operand of sizeof or _Alignof: a parenthesized
// type name. An expression operand counts as int.
func (p *parser) sizeofExpr(size bool) int64 {
	var ty *Type
	if p.is("(") && p.startsType(p.peekAt(1)) {
		p.next()
		ty = p.typeName()
		p.expect(")")
	} else {
		p.unaryExpr()
		ty = p.r.base["int"]
	}
	if ty.Incomplete || ty.Size < 0 || ty.Kind == Func {
		p.fail("invalid application of sizeof to an incomplete type")
	}
	if size {
		return int64(ty.Size)
	}
	return int64(ty.Align)
}

// castConst converts v to an integer type the way a C cast does.
func castConst(t *Type, v int64) int64 {
	if t.Kind == Bool {
		if v != 0 {
			return 1
		}
		return 0
	}
	if t.Kind != Int || t.Size >= 8 {
		return v
	}
	shift := uint(64 - 8*t.Size)
	if t.Signed {
		return v << shift >> shift
	}
	return int64(uint64(v) << shift >> shift)
}

// startsType reports whether t begins a type name.
func (p *parser) startsType(t token) bool {
	if t.kind == tParam {
		return true
	}
	if t.kind != tIdent {
		return false
	}
	switch t.text {
	case "struct", "union", "enum", "const", "volatile", "__const", "__const__", "__volatile__":
		return true
	}
	if baseWords[t.text] {
		return true
	}
	_, ok := p.r.typedefs[t.text]
	return ok
}

// typeName parses a type name: specifiers and an abstract declarator.
func (p *parser) typeName() *Type {
	ds := p.declSpecs()
	if ds.storage != stNone {
		p.fail("storage class in a type name")
	}
	a := ds.attr
	_, derivs := p.declarator(noName, &a)
	return p.derive(ds.typ, derivs)
}
