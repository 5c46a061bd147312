// Command gen computes the expected layouts of ctype's test cases with
// clang and writes them to ctype/testdata/layout.golden.
//
// It is a development tool: the tests read the golden file and never need
// clang. Rerun it after changing layout.cases:
//
//	go run ./ctype/internal/gen
//
// For each case and target (x86_64-linux-gnu, aarch64-linux-gnu) it
// compiles the case's declarations with sizeof, _Alignof and offsetof
// initializers into an object file, and finds each bitfield's bits by
// initializing it to all ones in a zeroed union over the type's bytes. It
// reads the values back from the object's symbols, so nothing runs on the
// target. Which members to ask about comes from ctype's own parse of the
// case; every number comes from clang.
package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/ctype/internal/layoutcase"
)

var targets = map[ctype.Arch]string{
	ctype.AMD64: "x86_64-linux-gnu",
	ctype.ARM64: "aarch64-linux-gnu",
}

var archs = []ctype.Arch{ctype.AMD64, ctype.ARM64}

const prelude = `#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
typedef long ssize_t;
#define SIGNED_(e) _Generic((e), char: ((char)-1 < 0), signed char: 1, unsigned char: 0, \
	short: 1, unsigned short: 0, int: 1, unsigned: 0, long: 1, unsigned long: 0, \
	long long: 1, unsigned long long: 0, _Bool: 0, default: 2)
`

func main() {
	casesPath := flag.String("cases", "ctype/testdata/layout.cases", "layout cases file")
	out := flag.String("out", "ctype/testdata/layout.golden", "golden file to write")
	clang := flag.String("clang", "clang", "clang binary")
	flag.Parse()
	if err := run(*casesPath, *out, *clang); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(casesPath, out, clang string) error {
	text, err := os.ReadFile(casesPath)
	if err != nil {
		return err
	}
	cases, err := layoutcase.ParseCases(string(text))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ctype-gen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	g := layoutcase.Golden{}
	for _, c := range cases {
		for _, a := range archs {
			lines, err := clangLayout(clang, dir, c, a)
			if err != nil {
				return fmt.Errorf("case %s (%s): %w", c.Name, a, err)
			}
			g[layoutcase.Key(c.Name, a)] = lines
		}
	}
	return os.WriteFile(out, []byte(layoutcase.Format(cases, archs, g)), 0o644)
}

// clangLayout returns the golden lines of one case on one target.
func clangLayout(clang, dir string, c layoutcase.Case, a ctype.Arch) ([]string, error) {
	r := ctype.NewRegistry(a)
	if err := r.Define(c.Src); err != nil {
		return nil, fmt.Errorf("ctype rejects the declarations: %w", err)
	}
	t, err := r.Parse(c.Type)
	if err != nil {
		return nil, fmt.Errorf("ctype rejects the type: %w", err)
	}
	paths := layoutcase.Paths(t)
	var src strings.Builder
	src.WriteString(prelude + c.Src)
	fmt.Fprintf(&src, "\ntypedef __typeof__(%s) T_;\n", c.Type)
	src.WriteString("unsigned long long v_size = sizeof(T_), v_align = _Alignof(T_);\n")
	if t.IsInteger() {
		src.WriteString("unsigned long long v_signed = SIGNED_((T_)0);\n")
	}
	for i, p := range paths {
		if p.Integer {
			fmt.Fprintf(&src, "unsigned long long v_signed_%d = SIGNED_(((T_ *)0)->%s);\n", i, p.Expr)
		}
		if p.BitSize > 0 {
			fmt.Fprintf(&src, "union { T_ s; unsigned char b[sizeof(T_)]; } v_bf_%d = { .s.%s = -1 };\n", i, p.Expr)
		} else {
			size := fmt.Sprintf("sizeof(((T_ *)0)->%s)", p.Expr)
			if p.Size == 0 {
				size = "0" // a flexible array member `T x[]` has no sizeof
			}
			fmt.Fprintf(&src, "unsigned long long v_off_%d = __builtin_offsetof(T_, %s), v_sz_%d = %s;\n", i, p.Expr, i, size)
		}
	}
	cfile := filepath.Join(dir, c.Name+".c")
	ofile := filepath.Join(dir, c.Name+".o")
	if err := os.WriteFile(cfile, []byte(src.String()), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(clang, "-target", targets[a], "-ffreestanding", "-fno-common", "-w", "-O0", "-c", "-o", ofile, cfile)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("clang: %v\n%s\n%s", err, msg, src.String())
	}
	syms, err := readSymbols(ofile)
	if err != nil {
		return nil, err
	}
	signed, err := syms.flag("v_signed", t.IsInteger())
	if err != nil {
		return nil, err
	}
	lines := []string{layoutcase.SizeLine(int(syms.u64("v_size")), int(syms.u64("v_align")), t.IsInteger(), signed)}
	for i, p := range paths {
		q := layoutcase.Path{Expr: p.Expr, Integer: p.Integer}
		if q.Signed, err = syms.flag(fmt.Sprintf("v_signed_%d", i), p.Integer); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Expr, err)
		}
		if p.BitSize > 0 {
			pos, width, err := bitRange(syms["v_bf_"+fmt.Sprint(i)])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.Expr, err)
			}
			q.Offset, q.BitOffset, q.BitSize = pos/8, pos%8, width
		} else {
			q.Offset = int(syms.u64(fmt.Sprintf("v_off_%d", i)))
			q.Size = int(syms.u64(fmt.Sprintf("v_sz_%d", i)))
		}
		lines = append(lines, q.Line())
	}
	return lines, nil
}

// symbols maps a global's name to its initial bytes.
type symbols map[string][]byte

func (s symbols) u64(name string) uint64 {
	b := s[name]
	if len(b) < 8 {
		b = append(b, make([]byte, 8-len(b))...)
	}
	return binary.LittleEndian.Uint64(b)
}

// flag reads a 0/1 value; want says whether the symbol was emitted.
func (s symbols) flag(name string, want bool) (bool, error) {
	if !want {
		return false, nil
	}
	switch s.u64(name) {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, fmt.Errorf("clang does not see an integer type")
}

// readSymbols reads the initial value of every global in an object file.
func readSymbols(path string) (symbols, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	out := symbols{}
	for _, s := range syms {
		if !strings.HasPrefix(s.Name, "v_") || int(s.Section) >= len(f.Sections) {
			continue
		}
		sec := f.Sections[s.Section]
		if sec.Type == elf.SHT_NOBITS {
			out[s.Name] = make([]byte, s.Size)
			continue
		}
		data, err := sec.Data()
		if err != nil {
			return nil, err
		}
		out[s.Name] = bytes.Clone(data[s.Value : s.Value+s.Size])
	}
	return out, nil
}

// bitRange finds the one run of set bits in little-endian memory.
func bitRange(b []byte) (pos, width int, err error) {
	pos = -1
	for i, c := range b {
		for j := 0; j < 8; j++ {
			if c&(1<<j) == 0 {
				continue
			}
			n := i*8 + j
			if pos < 0 {
				pos = n
			} else if n != pos+width {
				return 0, 0, fmt.Errorf("bits are not contiguous")
			}
			width++
		}
	}
	if pos < 0 {
		return 0, 0, fmt.Errorf("no bits set")
	}
	return pos, width, nil
}
