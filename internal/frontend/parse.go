package frontend

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

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

// parseErrLine finds the line in gopher-lua's syntax errors. Compiled on
// the first syntax error: at init it would cost every run.
var parseErrLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line:(\d+)\(column:\d+\)`) })

// parseError turns gopher-lua's "name line:N(column:M) near 'x': syntax
// error" into a CompileError.
func parseError(src *source.File, err error) error {
	msg := err.Error()
	n := 0
	near := ""
	if m := parseErrLine().FindStringSubmatch(msg); m != nil {
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
