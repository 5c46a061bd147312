package ctype

// attrs are the GNU attributes that change layout.
type attrs struct {
	packed bool
	align  int // aligned(N); 0 when absent
}

// biggestAlign is what a bare __attribute__((aligned)) means on x86-64 and
// arm64 Linux (__BIGGEST_ALIGNMENT__).
const biggestAlign = 16

func isAttrWord(w string) bool {
	switch w {
	case "__attribute__", "__attribute", "__asm__", "__asm", "asm", "__declspec":
		return true
	}
	return false
}

// attributes parses any run of __attribute__((...)), __asm__("name") and
// __declspec(...) into a. Unknown attributes are skipped.
func (p *parser) attributes(a *attrs) {
	for {
		t := p.peek()
		if t.kind != tIdent || !isAttrWord(t.text) {
			return
		}
		p.next()
		switch t.text {
		case "__asm__", "__asm", "asm":
			p.expect("(")
			for p.peek().kind == tString {
				p.next()
			}
			p.expect(")")
		case "__declspec":
			p.expect("(")
			p.attrList(a)
			p.expect(")")
		default:
			p.expect("(")
			p.expect("(")
			p.attrList(a)
			p.expect(")")
			p.expect(")")
		}
	}
}

// attrList parses a comma-separated list of attributes up to ')'.
func (p *parser) attrList(a *attrs) {
	for !p.is(")") {
		if p.peek().kind != tIdent {
			p.fail("attribute name expected")
		}
		switch name := p.next().text; name {
		case "packed", "__packed__":
			a.packed = true
		case "aligned", "__aligned__", "align":
			n := biggestAlign
			if p.accept("(") {
				n = p.alignValue(p.constExpr())
				p.expect(")")
			}
			a.align = max(a.align, n)
		default:
			if p.is("(") {
				p.skipBalanced()
			}
		}
		if !p.accept(",") {
			break
		}
	}
}

// alignValue checks that n is a valid alignment: a power of two.
func (p *parser) alignValue(n int64) int {
	if n <= 0 || n > 1<<28 || n&(n-1) != 0 {
		p.fail("requested alignment is not a power of two")
	}
	return int(n)
}

// skipBalanced skips a parenthesized token run, nested parentheses
// included.
func (p *parser) skipBalanced() {
	depth := 0
	for {
		t := p.next()
		switch {
		case t.kind == tEOF:
			p.fail("')' expected")
		case t.kind == tPunct && t.text == "(":
			depth++
		case t.kind == tPunct && t.text == ")":
			depth--
			if depth == 0 {
				return
			}
		}
	}
}
