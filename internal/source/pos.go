package source

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"
)

// Pos is a position in a Lua source file: a file name and a 1-based line.
// The zero Pos means "unknown".
type Pos struct {
	File string
	Line int
}

// IsKnown reports whether p names a line.
func (p Pos) IsKnown() bool { return p.Line > 0 }

// String formats p as "file:line", or just the file when the line is unknown.
func (p Pos) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// File is the text of one Lua source file, split into lines for excerpts.
type File struct {
	Name  string
	Text  string
	lines []string
}

// NewFile returns a File for text named name.
func NewFile(name, text string) *File {
	return &File{Name: name, Text: text, lines: strings.Split(text, "\n")}
}

// Line returns the text of line n (1-based) without its newline, or "" when
// n is out of range.
func (f *File) Line(n int) string {
	if f == nil || n < 1 || n > len(f.lines) {
		return ""
	}
	return strings.TrimRight(f.lines[n-1], "\r")
}

// Pos returns the position of line n in f.
func (f *File) Pos(n int) Pos { return Pos{File: f.Name, Line: n} }

// Line is where an emitted instruction came from: a position in a Lua file
// and the text of that line. The emitter attaches one to every instruction
// (asm.Instruction.WithSource), so the ELF writer can turn them into BTF
// line info and the runtime can map a verifier error back to Lua.
type Line struct {
	Pos
	Text string
}

// String returns the line's text without surrounding blanks, as
// cilium/ebpf prints an instruction's source.
func (l *Line) String() string { return strings.TrimSpace(l.Text) }

// LineAt returns the Lua line of the instruction at a kernel instruction
// index (the verifier's numbering, in 8-byte slots, where ld_imm64 takes
// two), or nil when the index is out of range or the instruction has no
// line.
func LineAt(insns asm.Instructions, slot int) *Line {
	pos := 0
	for _, ins := range insns {
		w := int(ins.Width())
		if slot >= pos && slot < pos+w {
			l, _ := ins.Source().(*Line)
			return l
		}
		pos += w
	}
	return nil
}
