// Package layoutcase reads the layout test cases of package ctype and
// describes a type's layout as text lines, so that the clang-based
// generator and the tests agree on what is compared.
package layoutcase

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/luabpf/luabpf/ctype"
)

// Case is one layout test case: declarations and the type to lay out.
type Case struct {
	Name string // short identifier, unique in the file
	Type string // type spelling as ffi.typeof takes it
	Src  string // declarations for ffi.cdef; may be empty
}

// ParseCases reads the cases format: "=== NAME: TYPE" header lines, each
// followed by the C declarations of that case. Lines starting with '#'
// before the first header, and blank lines, are ignored.
func ParseCases(text string) ([]Case, error) {
	var cases []Case
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "=== "); ok {
			name, typ, ok := strings.Cut(rest, ":")
			name = strings.TrimSpace(name)
			if !ok || name == "" || seen[name] {
				return nil, fmt.Errorf("line %d: bad or duplicate case header %q", n, line)
			}
			seen[name] = true
			cases = append(cases, Case{Name: name, Type: strings.TrimSpace(typ)})
			continue
		}
		if len(cases) == 0 || strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := &cases[len(cases)-1]
		c.Src += line + "\n"
	}
	return cases, sc.Err()
}

// Path is a member reached from the top type, named by a C member
// designator such as "in.arr[2].c".
type Path struct {
	Expr      string
	Offset    int // bytes from the start of the top type
	Size      int // member size; 0 for bitfields
	BitOffset int
	BitSize   int  // > 0 for bitfields
	Integer   bool // the member is an integer or bool
	Signed    bool // integer members: whether the type is signed
}

// Paths lists the members of t: every named member, members of anonymous
// members under their own names, members of nested structs and unions,
// and the members of the last element of arrays of structs.
func Paths(t *ctype.Type) []Path {
	var ps []Path
	walk(t, "", 0, &ps)
	return ps
}

func walk(t *ctype.Type, prefix string, base int, ps *[]Path) {
	if t.Kind != ctype.Struct && t.Kind != ctype.Union {
		return
	}
	for _, f := range t.Fields {
		off := base + f.Offset
		if f.Name == "" {
			walk(f.Type, prefix, off, ps)
			continue
		}
		expr := prefix + f.Name
		integer, signed := f.Type.IsInteger(), f.Type.Kind == ctype.Int && f.Type.Signed
		if f.BitSize > 0 {
			*ps = append(*ps, Path{Expr: expr, Offset: off, BitOffset: f.BitOffset, BitSize: f.BitSize, Integer: integer, Signed: signed})
			continue
		}
		*ps = append(*ps, Path{Expr: expr, Offset: off, Size: f.Type.Size, Integer: integer, Signed: signed})
		elem, idx := f.Type, ""
		for elem.Kind == ctype.Array && elem.Len > 0 {
			idx += fmt.Sprintf("[%d]", elem.Len-1)
			off += (elem.Len - 1) * elem.Elem.Size
			elem = elem.Elem
		}
		if elem.Kind == ctype.Array {
			continue
		}
		walk(elem, expr+idx+".", off, ps)
	}
}

// Line formats a path as it appears in the golden file.
func (p Path) Line() string {
	s := fmt.Sprintf("%s off=%d size=%d", p.Expr, p.Offset, p.Size)
	if p.BitSize > 0 {
		s = fmt.Sprintf("%s off=%d bit=%d width=%d", p.Expr, p.Offset, p.BitOffset, p.BitSize)
	}
	return s + signLine(p.Integer, p.Signed)
}

// SizeLine formats a type's size, alignment and, for integers,
// signedness as in the golden file.
func SizeLine(size, align int, integer, signed bool) string {
	return fmt.Sprintf("size=%d align=%d", size, align) + signLine(integer, signed)
}

func signLine(integer, signed bool) string {
	switch {
	case !integer:
		return ""
	case signed:
		return " signed"
	}
	return " unsigned"
}

// Describe returns the golden lines for t as ctype lays it out.
func Describe(t *ctype.Type) []string {
	lines := []string{SizeLine(t.Size, t.Align, t.IsInteger(), t.Kind == ctype.Int && t.Signed)}
	for _, p := range Paths(t) {
		lines = append(lines, p.Line())
	}
	return lines
}

// Golden maps "NAME ARCH" to the lines of that case.
type Golden map[string][]string

// Key names a case for one architecture in a Golden table.
func Key(name string, arch ctype.Arch) string { return name + " " + arch.String() }

// ParseGolden reads a golden file: "=== NAME ARCH" headers, each followed
// by its lines; '#' lines are comments.
func ParseGolden(text string) (Golden, error) {
	g := Golden{}
	key := ""
	for n, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			key = strings.TrimPrefix(line, "=== ")
			g[key] = []string{}
		case line == "" || strings.HasPrefix(line, "#"):
		case key == "":
			return nil, fmt.Errorf("line %d: line before the first case", n+1)
		default:
			g[key] = append(g[key], line)
		}
	}
	return g, nil
}

// Format writes a golden table in case order.
func Format(cases []Case, archs []ctype.Arch, g Golden) string {
	var b strings.Builder
	b.WriteString("# Generated by `go run ./ctype/internal/gen` from layout.cases with clang; do not edit.\n")
	for _, c := range cases {
		for _, a := range archs {
			k := Key(c.Name, a)
			b.WriteString("=== " + k + "\n")
			for _, l := range g[k] {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String()
}
