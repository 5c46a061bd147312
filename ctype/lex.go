package ctype

import (
	"strings"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNumber // integer literal; value in tok.num
	tString
	tChar  // character literal; value in tok.num
	tPunct // operator or punctuation; spelling in tok.text
	tParam // `$`
)

// token is one lexical token of a C declaration.
type token struct {
	kind tokKind
	text string
	num  int64
	line int
}

// lex splits src into tokens, dropping comments and the preprocessor lines
// LuaJIT's C parser tolerates (#pragma, #line).
func lex(src string) ([]token, error) {
	var toks []token
	line := 1
	lineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			lineStart = true
			i++
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, &Error{Msg: "unfinished comment", Near: "<eof>", Line: line}
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
			continue
		case c == '#' && lineStart:
			j := i
			for j < len(src) && src[j] != '\n' {
				j++
			}
			d := strings.Fields(src[i+1 : j])
			if len(d) == 0 || (d[0] != "pragma" && d[0] != "line") {
				return nil, &Error{Msg: "preprocessor directives are not supported", Near: strings.TrimSpace(src[i:j]), Line: line}
			}
			i = j
			continue
		}
		lineStart = false
		start := i
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentChar(src[i]) {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: src[start:i], line: line})
		case c >= '0' && c <= '9':
			for i < len(src) && (isIdentChar(src[i]) || src[i] == '.') {
				i++
			}
			n, err := parseIntLit(src[start:i])
			if err != nil {
				return nil, &Error{Msg: err.Error(), Near: src[start:i], Line: line}
			}
			toks = append(toks, token{kind: tNumber, text: src[start:i], num: n, line: line})
		case c == '"':
			j, ok := scanQuoted(src, i)
			if !ok {
				return nil, &Error{Msg: "unfinished string", Near: src[start:], Line: line}
			}
			i = j
			toks = append(toks, token{kind: tString, text: src[start:i], line: line})
		case c == '\'':
			j, ok := scanQuoted(src, i)
			if !ok {
				return nil, &Error{Msg: "unfinished character constant", Near: src[start:], Line: line}
			}
			i = j
			v, ok := charValue(src[start+1 : i-1])
			if !ok {
				return nil, &Error{Msg: "invalid character constant", Near: src[start:i], Line: line}
			}
			toks = append(toks, token{kind: tChar, text: src[start:i], num: v, line: line})
		case c == '$':
			i++
			toks = append(toks, token{kind: tParam, text: "$", line: line})
		default:
			p := punct(src[i:])
			if p == "" {
				return nil, &Error{Msg: "unexpected character", Near: string(rune(c)), Line: line}
			}
			i += len(p)
			toks = append(toks, token{kind: tPunct, text: p, line: line})
		}
	}
	toks = append(toks, token{kind: tEOF, text: "<eof>", line: line})
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// punctuators, longest first so that "<<=" wins over "<<" and "<".
var punctuators = []string{
	"...", "<<=", ">>=",
	"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "++", "--",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"*", "[", "]", "(", ")", "{", "}", ";", ",", ":", "=", "<", ">",
	"+", "-", "|", "&", "^", "~", "!", "/", "%", "?", ".",
}

func punct(s string) string {
	for _, p := range punctuators {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

// scanQuoted returns the index just past the closing quote of the string
// or character literal starting at src[i].
func scanQuoted(src string, i int) (int, bool) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '\n':
			return 0, false
		case q:
			return j + 1, true
		}
	}
	return 0, false
}

// charValue evaluates the body of a character constant such as a, \n or
// \x41.
func charValue(s string) (int64, bool) {
	if len(s) == 1 && s[0] != '\\' {
		return int64(int8(s[0])), true
	}
	if len(s) < 2 || s[0] != '\\' {
		return 0, false
	}
	if v, ok := map[byte]int64{'n': '\n', 't': '\t', 'r': '\r', '0': 0, '\\': '\\', '\'': '\'', '"': '"', 'a': 7, 'b': 8, 'f': 12, 'v': 11}[s[1]]; ok && len(s) == 2 {
		return v, true
	}
	base, digits := 8, s[1:]
	if s[1] == 'x' {
		base, digits = 16, s[2:]
	}
	if digits == "" || len(digits) > 3 && base == 8 {
		return 0, false
	}
	var v int64
	for _, d := range []byte(digits) {
		x := digitVal(d)
		if x >= base {
			return 0, false
		}
		v = v*int64(base) + int64(x)
		if v > 0xff {
			return 0, false
		}
	}
	return int64(int8(v)), true
}

func digitVal(d byte) int {
	switch {
	case d >= '0' && d <= '9':
		return int(d - '0')
	case d >= 'a' && d <= 'f':
		return int(d-'a') + 10
	case d >= 'A' && d <= 'F':
		return int(d-'A') + 10
	}
	return 99
}
