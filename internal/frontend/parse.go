package frontend

import (
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// File is a parsed Lua source file.
type File struct {
	// Src is the file as the user wrote it (a "#!" line blanked), for
	// error excerpts.
	Src *source.File
	// Text is what gopher-lua parses, and what the runtime must load so
	// that its functions are the ones Chunk describes: Src's text with
	// LuaJIT's 64-bit literals rewritten (see U64Func), on the same lines.
	Text  string
	Chunk []ast.Stmt
}

// ParseFile parses text as a Lua chunk named name. A "#!" first line is
// blanked (its newline kept, so line numbers stay right).
func ParseFile(name, text string) (*File, error) {
	text = BlankShebang(text)
	src := source.NewFile(name, text)
	lua, err := rewriteLiterals(src)
	if err != nil {
		return nil, err
	}
	chunk, err := parse.Parse(strings.NewReader(lua), name)
	if err != nil {
		return nil, parseError(src, err)
	}
	return &File{Src: src, Text: lua, Chunk: chunk}, nil
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

// errorLine reads N from the "line:N(column:M)" in gopher-lua's syntax
// errors, or gives 0. It is parsed by hand: the regexp package's init,
// and the Unicode tables it links, cost every run's start-up.
func errorLine(msg string) int {
	_, rest, ok := strings.Cut(msg, "line:")
	if !ok {
		return 0
	}
	i := 0
	for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
		i++
	}
	if i == 0 || !strings.HasPrefix(rest[i:], "(column:") {
		return 0
	}
	n, _ := strconv.Atoi(rest[:i])
	return n
}

// parseError turns gopher-lua's "name line:N(column:M) near 'x': syntax
// error" into a CompileError.
func parseError(src *source.File, err error) error {
	msg := err.Error()
	n := errorLine(msg)
	near := ""
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
