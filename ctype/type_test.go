package ctype

import (
	"testing"
)

func TestFieldLookup(t *testing.T) {
	r := NewRegistry(AMD64)
	typ, err := r.Parse(`struct {
		uint32_t kind;
		union { uint64_t u64; struct { uint16_t lo:4, hi:12; }; };
		struct { char a; } named;
	}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                 string
		ok                   bool
		off, bitOff, bitSize int
	}{
		{"kind", true, 0, 0, 0},
		{"u64", true, 8, 0, 0},
		{"lo", true, 8, 0, 4},
		{"hi", true, 8, 4, 12},
		{"named", true, 16, 0, 0},
		{"a", false, 0, 0, 0},
		{"", false, 0, 0, 0},
		{"nosuch", false, 0, 0, 0},
	}
	for _, tc := range tests {
		f, ok := typ.Field(tc.name)
		if ok != tc.ok || f.Offset != tc.off || f.BitOffset != tc.bitOff || f.BitSize != tc.bitSize {
			t.Errorf("Field(%q) = %+v, %v; want offset %d bit %d width %d, %v", tc.name, f, ok, tc.off, tc.bitOff, tc.bitSize, tc.ok)
		}
	}
	if _, ok := r.MustParse("int").Field("x"); ok {
		t.Error("Field on int found a member")
	}
}

func TestEqual(t *testing.T) {
	r := NewRegistry(AMD64)
	if err := r.Define("struct s { int a; }; typedef struct s s_t; typedef uint32_t u32;"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"uint32_t", "unsigned int", true},
		{"u32", "uint32_t", true},
		{"int64_t", "long", true},
		{"int64_t", "long long", true},
		{"uint64_t", "int64_t", false},
		{"int", "float", false},
		{"char", "int8_t", true},
		{"unsigned char", "uint8_t", true},
		{"bool", "_Bool", true},
		{"bool", "uint8_t", false},
		{"const char *", "char *", true},
		{"char *", "void *", false},
		{"char [4]", "char [4]", true},
		{"char [4]", "char [5]", false},
		{"struct s", "s_t", true},
		{"struct s *", "s_t *", true},
		{"struct { int a; }", "struct { int a; }", false},
		{"int (*)(int)", "int (*)(int)", true},
		{"int (*)(int)", "int (*)(int, ...)", false},
		{"void", "void", true},
		{"double", "float", false},
	}
	for _, tc := range tests {
		a, b := r.MustParse(tc.a), r.MustParse(tc.b)
		if got := a.Equal(b); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := b.Equal(a); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestWithLen(t *testing.T) {
	r := NewRegistry(AMD64)
	vla := r.MustParse("uint16_t [?]")
	if !vla.IsVLA() || vla.Size != -1 || vla.Len != -1 {
		t.Fatalf("uint16_t [?] = %+v", vla)
	}
	a := vla.WithLen(5)
	if a.Len != 5 || a.Size != 10 || a.String() != "uint16_t [5]" || vla.Len != -1 {
		t.Errorf("WithLen(5) = %+v (%s), original %+v", a, a, vla)
	}
	vls := r.MustParse("struct { uint32_t n; uint8_t data[?]; }")
	if !vls.IsVLA() || vls.Size != -1 {
		t.Fatalf("VLS = %+v", vls)
	}
	s := vls.WithLen(3)
	if s.Size != 8 || s.Fields[1].Type.Len != 3 || vls.Fields[1].Type.Len != -1 {
		t.Errorf("VLS.WithLen(3) size %d, member %v", s.Size, s.Fields[1].Type)
	}
	if fixed := r.MustParse("int [2]"); fixed.WithLen(7) != fixed {
		t.Error("WithLen changed a fixed array")
	}
}

func TestKindString(t *testing.T) {
	want := []string{"void", "bool", "int", "float", "pointer", "array", "struct", "union", "func"}
	for k, w := range want {
		if got := Kind(k).String(); got != w {
			t.Errorf("Kind(%d) = %q, want %q", k, got, w)
		}
	}
	if got := Kind(42).String(); got != "kind(42)" {
		t.Errorf("Kind(42) = %q", got)
	}
}

func TestArchDifferences(t *testing.T) {
	tests := []struct {
		typ          string
		amd64, arm64 bool
	}{
		{"char", true, false},
		{"wchar_t", true, false},
		{"signed char", true, true},
		{"unsigned char", false, false},
	}
	for _, tc := range tests {
		for _, a := range []struct {
			arch Arch
			want bool
		}{{AMD64, tc.amd64}, {ARM64, tc.arm64}} {
			r := NewRegistry(a.arch)
			if r.Arch() != a.arch {
				t.Errorf("Arch() = %v", r.Arch())
			}
			if got := r.MustParse(tc.typ).Signed; got != a.want {
				t.Errorf("%s on %v: signed %v, want %v", tc.typ, a.arch, got, a.want)
			}
		}
	}
	if h := HostArch(); h != AMD64 && h != ARM64 {
		t.Errorf("HostArch() = %v", h)
	}
}

func TestIsInteger(t *testing.T) {
	r := NewRegistry(AMD64)
	if err := r.Define("enum e { X };"); err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]bool{"int": true, "bool": true, "enum e": true, "char": true, "float": false, "char *": false, "int [1]": false} {
		if got := r.MustParse(typ).IsInteger(); got != want {
			t.Errorf("IsInteger(%s) = %v", typ, got)
		}
	}
}
