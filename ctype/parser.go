package ctype

// parser is a recursive-descent parser over the tokens of one Parse or
// Define call. Errors unwind with panic(*Error) and are recovered at the
// entry points, so helpers can stay free of error plumbing.
type parser struct {
	r      *Registry
	toks   []token
	pos    int
	params []*Type // values for `$`
	nparam int
	depth  int // nesting of declarators, records and expressions
	// noImplicit rejects struct, union and enum tags that were never
	// declared, as ffi.typeof and ffi.new do.
	noImplicit bool
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

func newParser(r *Registry, src string, params []*Type) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{r: r, toks: toks, params: params}, nil
}

// run calls f and turns a parse error raised with fail into a returned
// error.
func (p *parser) run(f func()) (err error) {
	defer func() {
		if x := recover(); x != nil {
			e, ok := x.(*Error)
			if !ok {
				panic(x)
			}
			err = e
		}
	}()
	f()
	return nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// is reports whether the current token is the punctuator or keyword s.
func (p *parser) is(s string) bool {
	t := p.peek()
	return (t.kind == tPunct || t.kind == tIdent) && t.text == s
}

// accept consumes the current token if it is s.
func (p *parser) accept(s string) bool {
	if p.is(s) {
		p.next()
		return true
	}
	return false
}

// expect consumes s or fails with "'s' expected".
func (p *parser) expect(s string) {
	if !p.accept(s) {
		p.fail("'" + s + "' expected")
	}
}

// fail raises a parse error at the current token.
func (p *parser) fail(msg string) {
	t := p.peek()
	panic(&Error{Msg: msg, Near: t.text, Line: t.line})
}

// failAt raises a parse error at token t.
func (p *parser) failAt(t token, msg string) {
	panic(&Error{Msg: msg, Near: t.text, Line: t.line})
}

// enter and leave bound the nesting depth.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("declaration is nested too deeply")
	}
}

func (p *parser) leave() { p.depth-- }

// ident consumes an identifier or fails.
func (p *parser) ident() string {
	t := p.peek()
	if t.kind != tIdent || keywords[t.text] {
		p.fail("identifier expected")
	}
	p.next()
	return t.text
}

// keywords are the words that cannot name a member, variable or typedef.
var keywords = map[string]bool{
	"auto": true, "break": true, "case": true, "char": true, "const": true, "continue": true,
	"default": true, "do": true, "double": true, "else": true, "enum": true, "extern": true,
	"float": true, "for": true, "goto": true, "if": true, "inline": true, "int": true,
	"long": true, "register": true, "restrict": true, "return": true, "short": true,
	"signed": true, "sizeof": true, "static": true, "struct": true, "switch": true,
	"typedef": true, "union": true, "unsigned": true, "void": true, "volatile": true,
	"while": true, "_Bool": true, "_Alignof": true, "__alignof__": true, "__attribute__": true,
	"__attribute": true, "__extension__": true, "__const": true, "__const__": true,
	"__volatile": true, "__volatile__": true, "__restrict": true, "__restrict__": true,
	"__signed": true, "__signed__": true, "__inline": true, "__inline__": true,
	"__asm__": true, "__asm": true, "asm": true, "_Alignas": true, "__cdecl": true,
	"__stdcall": true, "__fastcall": true, "__thiscall": true, "_Atomic": true,
}
