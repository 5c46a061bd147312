package ctype

import "strings"

// Constant expressions in array sizes, bitfield widths, enum values,
// static const initializers and attributes. Values are 64-bit integers,
// signed or unsigned as C's usual arithmetic conversions make them: a
// literal with a u suffix or above the int64 range, sizeof and a cast to
// an unsigned type are unsigned, and so is an operation with an unsigned
// operand (the left one for shifts); comparisons, division and >> follow
// the operands' signedness. Shifts by 64 or more give 0 (or -1 for
// negative signed values shifted right).

// cval is a constant expression's value and whether its type is
// unsigned.
type cval struct {
	v int64
	u bool
}

// binaryPrec gives each binary operator its precedence; higher binds
// tighter.
var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// constExpr parses a conditional expression and returns its value.
func (p *parser) constExpr() int64 { return p.condExpr().v }

// condExpr parses a conditional expression.
func (p *parser) condExpr() cval {
	p.enter()
	defer p.leave()
	c := p.binaryExpr(1)
	if !p.accept("?") {
		return c
	}
	a := p.condExpr()
	p.expect(":")
	b := p.condExpr()
	r := b
	if c.v != 0 {
		r = a
	}
	r.u = a.u || b.u
	return r
}

// constExprOrType parses the argument of _Alignas: a type name gives its
// alignment.
func (p *parser) constExprOrType() int64 {
	if p.startsType(p.peek()) {
		return int64(p.typeName().Align)
	}
	return p.constExpr()
}

func (p *parser) binaryExpr(minPrec int) cval {
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

// apply computes x op y with the result's signedness.
func (p *parser) apply(op string, x, y cval) cval {
	u := x.u || y.u
	switch op {
	case "<<", ">>":
		u = x.u
	case "||", "&&", "==", "!=", "<", ">", "<=", ">=":
		u = false
	}
	return cval{p.applyInt(op, x.v, y.v, x.u, x.u || y.u), u}
}

// applyInt computes x op y; xu says x is unsigned (for >>), u that the
// operation is (for comparisons, / and %).
func (p *parser) applyInt(op string, x, y int64, xu, u bool) int64 {
	b := b2i
	if u {
		switch op {
		case "<":
			return b(uint64(x) < uint64(y))
		case ">":
			return b(uint64(x) > uint64(y))
		case "<=":
			return b(uint64(x) <= uint64(y))
		case ">=":
			return b(uint64(x) >= uint64(y))
		}
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
		if xu {
			if y < 0 || y >= 64 {
				return 0
			}
			return int64(uint64(x) >> uint(y))
		}
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
		switch {
		case u && op == "/":
			return int64(uint64(x) / uint64(y))
		case u:
			return int64(uint64(x) % uint64(y))
		case op == "/":
			return x / y
		}
		return x % y
	}
	p.fail("unsupported operator '" + op + "'")
	return 0
}

func (p *parser) unaryExpr() cval {
	p.enter()
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == tNumber:
		p.next()
		return cval{t.num, t.num < 0 || strings.ContainsAny(t.text, "uU")}
	case t.kind == tChar:
		p.next()
		return cval{v: t.num}
	case t.kind == tPunct && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "!"):
		p.next()
		x := p.unaryExpr()
		switch t.text {
		case "-":
			x.v = -x.v
		case "~":
			x.v = ^x.v
		case "!":
			x = cval{v: b2i(x.v == 0)}
		}
		return x
	case t.kind == tPunct && t.text == "(":
		if p.startsType(p.peekAt(1)) {
			p.next()
			ty := p.typeName()
			p.expect(")")
			return cval{castConst(ty, p.unaryExpr().v), ty.Kind == Int && !ty.Signed}
		}
		p.next()
		v := p.condExpr()
		p.expect(")")
		return v
	case t.kind == tIdent && (t.text == "sizeof" || t.text == "_Alignof" || t.text == "__alignof__" || t.text == "alignof"):
		p.next()
		return cval{p.sizeofExpr(t.text == "sizeof"), true}
	case t.kind == tIdent:
		if v, ok := p.r.consts[t.text]; ok {
			p.next()
			return cval{v: v}
		}
		p.fail("undeclared identifier '" + t.text + "' in constant expression")
	}
	p.fail("constant expression expected")
	return cval{}
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

// b2i is 1 for true and 0 for false.
func b2i(c bool) int64 {
	if c {
		return 1
	}
	return 0
}
