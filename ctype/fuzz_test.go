package ctype_test

import (
	"testing"

	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/ctype"
)

// FuzzCDecl feeds arbitrary text to Parse and Define. They must return a
// type or an *ctype.Error and never panic.
func FuzzCDecl(f *testing.F) {
	for _, c := range readCases(f) {
		f.Add(c.Src, c.Type)
	}
	for _, s := range []string{
		"struct { int x : 3; int : 0; int y : 2; }", "$ [1]", "uint8_t[?]", "int (*[2])(int)",
		"enum { A = 1 << 63, B }", "char [1 ? 2 : 3]", "typedef struct s s_t; struct s { s_t *p; };",
		"struct bpf { static const int LD = 0x00; };", "int f(int, ...) __asm__(\"g\");",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, src, typ string) {
		for _, arch := range []ctype.Arch{ctype.AMD64, ctype.ARM64} {
			r := ctype.NewRegistry(arch)
			check(t, r.Define(src))
			u32 := r.MustParse("uint32_t")
			ty, err := r.Parse(typ, u32, u32)
			check(t, err)
			if err == nil {
				_ = ty.String()
				if ty.Size < -1 {
					t.Errorf("%q: negative size %d", typ, ty.Size)
				}
				checkBTF(t, typ, ty)
				// A spelled type must parse again.
				if _, err := r.Parse(ty.String()); err != nil && ty.Kind != ctype.Func {
					t.Errorf("%q spells as %q, which does not parse: %v", typ, ty.String(), err)
				}
			}
		}
	})
}

// checkBTF converts a parsed type to BTF: a type with a size must
// convert (unless it has an array without a length), to BTF of the same
// size that marshals.
func checkBTF(t *testing.T, spelling string, ty *ctype.Type) {
	t.Helper()
	b, err := ctype.BTF(ty)
	if err != nil {
		return
	}
	if ty.Size > 0 {
		if n, err := btf.Sizeof(b); err != nil || n != ty.Size {
			t.Errorf("%q: BTF size %d (%v), want %d", spelling, n, err, ty.Size)
		}
	}
	if _, err := roundTrip(b); err != nil {
		t.Errorf("%q: BTF does not marshal: %v", spelling, err)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if _, ok := err.(*ctype.Error); !ok {
		t.Errorf("error %v is %T, not *ctype.Error", err, err)
	}
}
