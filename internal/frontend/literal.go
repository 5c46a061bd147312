package frontend

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/source"
)

// rewriteLiterals returns text with each LuaJIT 64-bit integer literal
// (5ULL, 5LL, 0xffULL, suffixes in any case) replaced by a call of
// value.U64Func or value.I64Func, which gopher-lua parses. It scans Lua tokens, so
// strings, long strings and comments are left alone; no newline moves,
// and text without such literals comes back unchanged. A literal that
// cannot be 64-bit (1.5LL, too many digits) and imaginary numbers (12i)
// are errors at their line.
func rewriteLiterals(src *source.File) (string, error) {
	s := &litScanner{text: src.Text, line: 1}
	for s.pos < len(s.text) {
		if err := s.token(); err != nil {
			return "", source.Errorf(src, s.line, "%v", err)
		}
	}
	if s.out == nil {
		return s.text, nil
	}
	s.out.WriteString(s.text[s.copied:])
	return s.out.String(), nil
}

// litScanner walks Lua source token by token. Everything is copied as it
// is except number tokens with a 64-bit suffix.
type litScanner struct {
	text   string
	pos    int
	line   int
	out    *strings.Builder // nil until the first rewrite
	copied int              // text[:copied] is in out
}

// token skips one token (or run of whitespace), rewriting it if it is a
// suffixed number.
func (s *litScanner) token() error {
	c := s.text[s.pos]
	switch {
	case c == '\n':
		s.line++
		s.pos++
	case c == '-' && s.peek(1) == '-':
		s.pos += 2
		if n := s.longBracket(); n >= 0 {
			s.skipLong(n)
		} else {
			s.skipLine()
		}
	case c == '[':
		if n := s.longBracket(); n >= 0 {
			s.skipLong(n)
		} else {
			s.pos++
		}
	case c == '"' || c == '\'':
		s.skipQuoted(c)
	case c == '.' && s.peek(1) == '.':
		for s.pos < len(s.text) && s.text[s.pos] == '.' {
			s.pos++
		}
	case isDigit(c) || c == '.' && isDigit(s.peek(1)):
		return s.number()
	case isIdentStart(c):
		for s.pos < len(s.text) && isIdentChar(s.text[s.pos]) {
			s.pos++
		}
	default:
		s.pos++
	}
	return nil
}

func (s *litScanner) peek(n int) byte {
	if s.pos+n < len(s.text) {
		return s.text[s.pos+n]
	}
	return 0
}

// longBracket reports the level of a long bracket opening at pos ("[[" is
// 0, "[==[" is 2) and moves past it, or returns -1 and stays.
func (s *litScanner) longBracket() int {
	if s.peek(0) != '[' {
		return -1
	}
	n := 1
	for s.peek(n) == '=' {
		n++
	}
	if s.peek(n) != '[' {
		return -1
	}
	s.pos += n + 1
	return n - 1
}

// skipLong skips the body of a long string or comment of the given level
// and its closing bracket (or to the end of an unterminated one).
func (s *litScanner) skipLong(level int) {
	closing := "]" + strings.Repeat("=", level) + "]"
	end := strings.Index(s.text[s.pos:], closing)
	if end < 0 {
		end = len(s.text) - s.pos
	} else {
		end += len(closing)
	}
	s.line += strings.Count(s.text[s.pos:s.pos+end], "\n")
	s.pos += end
}

// skipLine skips to the end of the line, leaving the newline.
func (s *litScanner) skipLine() {
	if i := strings.IndexByte(s.text[s.pos:], '\n'); i >= 0 {
		s.pos += i
	} else {
		s.pos = len(s.text)
	}
}

// skipQuoted skips a quoted string: a backslash escapes the next byte (a
// newline too, which continues the string); an unescaped newline ends an
// unterminated one, which the parser then reports.
func (s *litScanner) skipQuoted(q byte) {
	s.pos++
	for s.pos < len(s.text) {
		c := s.text[s.pos]
		switch {
		case c == q:
			s.pos++
			return
		case c == '\n':
			return
		case c == '\\' && s.pos+1 < len(s.text):
			if s.text[s.pos+1] == '\n' {
				s.line++
			}
			s.pos += 2
		default:
			s.pos++
		}
	}
}

// number reads a number token as LuaJIT's lexer delimits it (letters,
// digits, '_', '.', and a sign after an exponent letter) and rewrites it
// when it ends in a 64-bit suffix.
func (s *litScanner) number() error {
	start := s.pos
	exp := byte('e')
	if s.text[s.pos] == '0' && (s.peek(1) == 'x' || s.peek(1) == 'X') {
		exp = 'p'
		s.pos += 2
	}
	for s.pos < len(s.text) {
		c := s.text[s.pos]
		if isIdentChar(c) || c == '.' ||
			(c == '+' || c == '-') && s.pos > start && lower(s.text[s.pos-1]) == exp {
			s.pos++
			continue
		}
		break
	}
	tok := s.text[start:s.pos]
	digits, signed, ok := cutSuffix64(tok)
	if !ok {
		if l := lower(tok[len(tok)-1]); l == 'i' && isNumber(tok[:len(tok)-1]) {
			return fmt.Errorf("imaginary numbers like '%s' are not supported", tok)
		}
		return nil // an ordinary number, or a malformed one the parser reports
	}
	if _, err := value.ParseLiteral64(digits, signed); err != nil || !isInteger(digits) {
		kind := "uint64_t"
		if signed {
			kind = "int64_t"
		}
		return fmt.Errorf("malformed number '%s': a 64-bit literal is a decimal or 0x hex integer that fits %s, such as 5LL or 0xffULL", tok, kind)
	}
	fn := value.U64Func
	if signed {
		fn = value.I64Func
	}
	if s.out == nil {
		s.out = &strings.Builder{}
		s.out.Grow(len(s.text) + 32)
	}
	s.out.WriteString(s.text[s.copied:start])
	fmt.Fprintf(s.out, "%s(%q)", fn, digits)
	s.copied = s.pos
	return nil
}

// cutSuffix64 splits "5ULL" into "5" and unsigned, "0xffLL" into "0xff"
// and signed (suffixes in any case).
func cutSuffix64(tok string) (digits string, signed, ok bool) {
	n := len(tok)
	if n < 3 || lower(tok[n-1]) != 'l' || lower(tok[n-2]) != 'l' {
		return "", false, false
	}
	if lower(tok[n-3]) == 'u' {
		return tok[:n-3], false, n > 3
	}
	return tok[:n-2], true, true
}

// isInteger reports whether s is decimal digits or 0x and hex digits.
func isInteger(s string) bool {
	hex := false
	if len(s) > 2 && s[0] == '0' && lower(s[1]) == 'x' {
		s, hex = s[2:], true
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(hex && lower(c) >= 'a' && lower(c) <= 'f') {
			return false
		}
	}
	return true
}

// isNumber reports whether s is a plain Lua number.
func isNumber(s string) bool {
	if isInteger(s) {
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s != "" && (isDigit(s[0]) || s[0] == '.')
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || lower(c) >= 'a' && lower(c) <= 'z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
func lower(c byte) byte        { return c | 0x20 }
