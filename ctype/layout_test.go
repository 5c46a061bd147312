package ctype_test

import (
	"os"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/ctype/internal/layoutcase"
)

// readCases loads the layout cases shared with the clang generator.
func readCases(tb testing.TB) []layoutcase.Case {
	tb.Helper()
	text, err := os.ReadFile("testdata/layout.cases")
	if err != nil {
		tb.Fatal(err)
	}
	cases, err := layoutcase.ParseCases(string(text))
	if err != nil {
		tb.Fatal(err)
	}
	return cases
}

// TestLayoutMatchesClang compares sizes, alignments, member offsets,
// bitfield positions and signedness with what clang computed for x86-64
// and arm64 Linux (testdata/layout.golden, written by internal/gen).
func TestLayoutMatchesClang(t *testing.T) {
	text, err := os.ReadFile("testdata/layout.golden")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := layoutcase.ParseGolden(string(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range readCases(t) {
		for _, arch := range []ctype.Arch{ctype.AMD64, ctype.ARM64} {
			t.Run(c.Name+"/"+arch.String(), func(t *testing.T) {
				want, ok := golden[layoutcase.Key(c.Name, arch)]
				if !ok {
					t.Fatal("no golden entry; rerun go run ./ctype/internal/gen")
				}
				r := ctype.NewRegistry(arch)
				if err := r.Define(c.Src); err != nil {
					t.Fatalf("Define: %v", err)
				}
				typ, err := r.Parse(c.Type)
				if err != nil {
					t.Fatalf("Parse(%q): %v", c.Type, err)
				}
				got := layoutcase.Describe(typ)
				if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
					t.Errorf("layout of %s differs from clang\ngot:\n%s\nwant:\n%s", c.Type, g, w)
				}
			})
		}
	}
}

// TestStringRoundTrip checks that each case's type spells as C that
// parses back to the same layout.
func TestStringRoundTrip(t *testing.T) {
	for _, c := range readCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			r := ctype.NewRegistry(ctype.AMD64)
			if err := r.Define(c.Src); err != nil {
				t.Fatal(err)
			}
			typ, err := r.Parse(c.Type)
			if err != nil {
				t.Fatal(err)
			}
			again, err := r.Parse(typ.String())
			if err != nil {
				t.Fatalf("Parse(%q): %v", typ.String(), err)
			}
			if g, w := strings.Join(layoutcase.Describe(again), "\n"), strings.Join(layoutcase.Describe(typ), "\n"); g != w {
				t.Errorf("%q parses to a different layout\ngot:\n%s\nwant:\n%s", typ.String(), g, w)
			}
		})
	}
}
