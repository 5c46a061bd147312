package frontend

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// File is a parsed Lua source file.
type File struct {
	Src   *source.File
	Chunk []ast.Stmt
}

// luajitSuffix matches LuaJIT's 64-bit and imaginary number suffixes,
// which gopher-lua's lexer rejects with a useless position.
var luajitSuffix = regexp.MustCompile(`(?i)\b(0x[0-9a-f]+|[0-9]+)(ull|ll|i)\b`)

// ParseFile parses text as a Lua chunk named name. A "#!" first line is
// blanked (its newline kept, so line numbers stay right).
func ParseFile(name, text string) (*File, error) {
	text = BlankShebang(text)
	src := source.NewFile(name, text)
	if err := checkSuffixes(src); err != nil {
		return nil, err
	}
	chunk, err := parse.Parse(strings.NewReader(text), name)
	if err != nil {
		return nil, parseError(src, err)
	}
	return &File{Src: src, Chunk: chunk}, nil
}

// BlankShebang replaces a "#!" first line with an empty one.
func BlankShebang(text string) string {
	if strings.HasPrefix(text, "#") {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			return text[i:]
		}
		return ""
	}
	return text
}

func checkSuffixes(src *source.File) error {
	for n := 1; ; n++ {
		line := src.Line(n)
		if line == "" && n > strings.Count(src.Text, "\n")+1 {
			return nil
		}
		code := stripComment(line)
		if m := luajitSuffix.FindString(code); m != "" && !inString(code, m) {
			return source.Errorf(src, n, "LuaJIT number suffixes like '%s' are not supported; write the number without the suffix, or ffi.new('uint64_t', ...) in userspace", m)
		}
	}
}

func stripComment(line string) string {
	if i := strings.Index(line, "--"); i >= 0 && !inString(line, "--") {
		return line[:i]
	}
	return line
}

// inString is a cheap check that the first occurrence of sub in line is
// inside a quoted string, good enough to avoid false alarms.
func inString(line, sub string) bool {
	i := strings.Index(line, sub)
	if i < 0 {
		return false
	}
	q := byte(0)
	for j := 0; j < i; j++ {
		c := line[j]
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case q != 0 && c == '\\':
			j++
		case c == q:
			q = 0
		}
	}
	return q != 0
}

var parseErrLine = regexp.MustCompile(`line:(\d+)\(column:\d+\)`)

// parseError turns gopher-lua's "name line:N(column:M) near 'x': syntax
// error" into a CompileError.
func parseError(src *source.File, err error) error {
	msg := err.Error()
	n := 0
	near := ""
	if m := parseErrLine.FindStringSubmatch(msg); m != nil {
		fmt.Sscanf(m[1], "%d", &n)
	}
	if i := strings.Index(msg, "near "); i >= 0 {
		near = msg[i:]
		if j := strings.Index(near, ":"); j >= 0 {
			near = near[:j]
		}
		near = " " + near
	}
	if strings.Contains(msg, "at EOF") {
		n = strings.Count(strings.TrimRight(src.Text, "\n"), "\n") + 1
		near = " at the end of the file (a missing 'end' or ')'?)"
	}
	return source.Errorf(src, n, "syntax error%s", near)
}
