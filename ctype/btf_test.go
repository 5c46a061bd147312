package ctype_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/ctype/internal/layoutcase"
)

// TestBTFLayoutMatches converts every layout case to BTF and checks that
// the BTF says what ctype (and so clang) says: the size, and the offset,
// size, bit position, width and signedness of every member reached from
// the top, for both architectures. It also checks that the BTF marshals
// and reads back.
func TestBTFLayoutMatches(t *testing.T) {
	for _, c := range readCases(t) {
		for _, arch := range []ctype.Arch{ctype.AMD64, ctype.ARM64} {
			t.Run(c.Name+"/"+arch.String(), func(t *testing.T) {
				r := ctype.NewRegistry(arch)
				if err := r.Define(c.Src); err != nil {
					t.Fatal(err)
				}
				typ := r.MustParse(c.Type)
				b, err := ctype.BTF(typ)
				if err != nil {
					t.Fatalf("BTF(%s): %v", c.Type, err)
				}
				if typ.Size > 0 {
					size, err := btf.Sizeof(b)
					if err != nil || size != typ.Size {
						t.Fatalf("btf.Sizeof(%v) = %d, %v; ctype size %d", b, size, err, typ.Size)
					}
				}
				got, want := btfDescribe(b, typ)
				if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
					t.Errorf("BTF of %s differs from its layout\ngot:\n%s\nwant:\n%s", c.Type, g, w)
				}
				if _, err := roundTrip(b); err != nil {
					t.Fatalf("marshal BTF of %s: %v", c.Type, err)
				}
			})
		}
	}
}

// btfDescribe returns layout lines for b and for typ in the format of
// layoutcase, without the alignment BTF does not carry and without the
// sign of char members (BTF's char encoding has none).
func btfDescribe(b btf.Type, typ *ctype.Type) (got, want []string) {
	var ps []layoutcase.Path
	var chars []bool
	btfWalk(b, "", 0, &ps, &chars)
	integer, signed, char := btfInteger(b)
	top := fmt.Sprintf("size=%d", typ.Size) + sign(integer, signed, char)
	got = append(got, top)
	for i, p := range ps {
		got = append(got, strip(p.Line(), chars[i]))
	}
	want = append(want, fmt.Sprintf("size=%d", typ.Size)+sign(typ.IsInteger(), typ.Kind == ctype.Int && typ.Signed, char))
	want0 := layoutcase.Paths(typ)
	for i, p := range want0 {
		ch := i < len(chars) && chars[i]
		want = append(want, strip(p.Line(), ch))
	}
	return got, want
}

func sign(integer, signed, char bool) string {
	switch {
	case !integer:
		return ""
	case char:
		return " char"
	case signed:
		return " signed"
	}
	return " unsigned"
}

func strip(line string, char bool) string {
	if !char {
		return line
	}
	line = strings.TrimSuffix(line, " signed")
	return strings.TrimSuffix(line, " unsigned") + " char"
}

// btfInteger reports whether b is an integer (or enum or bool), whether it
// is signed, and whether it has the char encoding.
func btfInteger(b btf.Type) (integer, signed, char bool) {
	switch u := btf.UnderlyingType(b).(type) {
	case *btf.Int:
		return true, u.Encoding == btf.Signed, u.Encoding == btf.Char
	case *btf.Enum:
		return true, u.Signed, false
	}
	return false, false, false
}

// btfWalk mirrors layoutcase.Paths over BTF members.
func btfWalk(b btf.Type, prefix string, base int, ps *[]layoutcase.Path, chars *[]bool) {
	var members []btf.Member
	switch u := btf.UnderlyingType(b).(type) {
	case *btf.Struct:
		members = u.Members
	case *btf.Union:
		members = u.Members
	default:
		return
	}
	for _, m := range members {
		bits := int(m.Offset)
		off := base + bits/8
		if m.Name == "" {
			btfWalk(m.Type, prefix, off, ps, chars)
			continue
		}
		integer, signed, char := btfInteger(m.Type)
		expr := prefix + m.Name
		*chars = append(*chars, char)
		if m.BitfieldSize > 0 {
			*ps = append(*ps, layoutcase.Path{Expr: expr, Offset: off, BitOffset: bits % 8, BitSize: int(m.BitfieldSize), Integer: integer, Signed: signed})
			continue
		}
		size, _ := btf.Sizeof(m.Type)
		*ps = append(*ps, layoutcase.Path{Expr: expr, Offset: off, Size: size, Integer: integer, Signed: signed})
		elem, idx := btf.UnderlyingType(m.Type), ""
		for {
			arr, ok := elem.(*btf.Array)
			if !ok || arr.Nelems == 0 {
				break
			}
			es, _ := btf.Sizeof(arr.Type)
			idx += fmt.Sprintf("[%d]", arr.Nelems-1)
			off += int(arr.Nelems-1) * es
			elem = btf.UnderlyingType(arr.Type)
		}
		if _, ok := elem.(*btf.Array); ok {
			continue
		}
		btfWalk(elem, expr+idx+".", off, ps, chars)
	}
}

// roundTrip marshals b and reads it back.
func roundTrip(b btf.Type) (*btf.Spec, error) {
	builder, err := btf.NewBuilder([]btf.Type{b}, nil)
	if err != nil {
		return nil, err
	}
	raw, err := builder.Marshal(nil, nil)
	if err != nil {
		return nil, err
	}
	return btf.LoadSpecFromReader(bytes.NewReader(raw))
}

// TestBTFNames checks the spellings BTF gets: base types by their C name,
// typedef names as btf.Typedef, tags without the keyword.
func TestBTFNames(t *testing.T) {
	r := ctype.NewRegistry(ctype.AMD64)
	err := r.Define(`
		struct key { uint32_t addr; uint16_t port; uint8_t proto; };
		typedef struct { char name[16]; bool up; } link_t;
		enum color { RED, GREEN = -1 };
		typedef uint32_t u32;
		struct node { struct node *next; struct opaque *data; };
		union num { int i; float f; };
	`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ typ, want string }{
		{"int", "int:int(signed)"},
		{"unsigned long long", "int:unsigned long long(unsigned)"},
		{"uint32_t", "typedef:uint32_t>int:unsigned int(unsigned)"},
		{"uint64_t", "typedef:uint64_t>int:unsigned long(unsigned)"},
		{"int8_t", "typedef:int8_t>int:signed char(signed)"},
		{"u32", "typedef:u32>int:unsigned int(unsigned)"},
		{"size_t", "typedef:size_t>int:unsigned long(unsigned)"},
		{"char", "int:char(char)"},
		{"unsigned char", "int:unsigned char(unsigned)"},
		{"bool", "int:bool(bool)"},
		{"double", "float:double"},
		{"enum color", "enum:color(signed)"},
		{"void *", "ptr>void"},
		{"char [4]", "array[4]>int:char(char)"},
		{"struct key", "struct:key{addr port proto}"},
		{"link_t", "typedef:link_t>struct:{name up}"},
		{"union num", "union:num{i f}"},
		{"struct node", "struct:node{next data}"},
		{"struct node *", "ptr>struct:node{next data}"},
		{"struct opaque *", "ptr>fwd:opaque"},
		{"int (*)(int, ...)", "ptr>proto(2)>int:int(signed)"},
		{"struct { union { int a; }; }", "struct:{_}"},
	}
	for _, tc := range tests {
		b, err := ctype.BTF(r.MustParse(tc.typ))
		if err != nil {
			t.Errorf("BTF(%s): %v", tc.typ, err)
			continue
		}
		if got := spell(b); got != tc.want {
			t.Errorf("BTF(%s) = %s, want %s", tc.typ, got, tc.want)
		}
	}
}

// spell prints the outline of a BTF type: kind, name and what it refers to.
func spell(b btf.Type) string {
	switch v := b.(type) {
	case *btf.Int:
		return fmt.Sprintf("int:%s(%s)", v.Name, strings.ToLower(v.Encoding.String()))
	case *btf.Typedef:
		return "typedef:" + v.Name + ">" + spell(v.Type)
	case *btf.Float:
		return "float:" + v.Name
	case *btf.Enum:
		s := "unsigned"
		if v.Signed {
			s = "signed"
		}
		return fmt.Sprintf("enum:%s(%s)", v.Name, s)
	case *btf.Pointer:
		return "ptr>" + spell(v.Target)
	case *btf.Void:
		return "void"
	case *btf.Array:
		return fmt.Sprintf("array[%d]>%s", v.Nelems, spell(v.Type))
	case *btf.Struct:
		return "struct:" + v.Name + "{" + memberNames(v.Members) + "}"
	case *btf.Union:
		return "union:" + v.Name + "{" + memberNames(v.Members) + "}"
	case *btf.Fwd:
		return "fwd:" + v.Name
	case *btf.FuncProto:
		return fmt.Sprintf("proto(%d)>%s", len(v.Params), spell(v.Return))
	}
	return fmt.Sprintf("%T", b)
}

func memberNames(ms []btf.Member) string {
	var names []string
	for _, m := range ms {
		name := m.Name
		if name == "" {
			name = "_"
		}
		names = append(names, name)
	}
	return strings.Join(names, " ")
}

// TestBTFBitfields checks the bit offsets and widths BTF gets for a packed
// struct of bitfields.
func TestBTFBitfields(t *testing.T) {
	r := ctype.NewRegistry(ctype.AMD64)
	typ := r.MustParse("struct { uint8_t ver:4, ihl:4; uint16_t frag:13; uint32_t x; } __attribute__((packed))")
	b, err := ctype.BTF(typ)
	if err != nil {
		t.Fatal(err)
	}
	s := b.(*btf.Struct)
	var got []string
	for _, m := range s.Members {
		got = append(got, fmt.Sprintf("%s@%d:%d", m.Name, m.Offset, m.BitfieldSize))
	}
	if g, w := strings.Join(got, " "), "ver@0:4 ihl@4:4 frag@8:13 x@24:0"; g != w {
		t.Errorf("members %s, want %s", g, w)
	}
	if s.Size != 7 {
		t.Errorf("size %d, want 7", s.Size)
	}
}

// TestBTFErrors checks that types without a BTF form are errors, not
// panics.
func TestBTFErrors(t *testing.T) {
	r := ctype.NewRegistry(ctype.AMD64)
	for _, typ := range []string{"char [?]", "struct { int n; char d[?]; }"} {
		if b, err := ctype.BTF(r.MustParse(typ)); err == nil {
			t.Errorf("BTF(%s) = %v, want an error", typ, b)
		}
	}
	if _, err := ctype.BTF(nil); err == nil {
		t.Error("BTF(nil) succeeded")
	}
}

// TestBTFDeterministic converts the same declarations twice, in fresh
// registries, and compares the marshalled bytes.
func TestBTFDeterministic(t *testing.T) {
	marshal := func() []byte {
		r := ctype.NewRegistry(ctype.AMD64)
		if err := r.Define("struct a { int x; struct b *p; }; struct b { struct a a[2]; uint64_t v:3; };"); err != nil {
			t.Fatal(err)
		}
		c := ctype.NewBTFConverter()
		var types []btf.Type
		for _, name := range []string{"struct a", "struct b", "struct a *"} {
			b, err := c.Convert(r.MustParse(name))
			if err != nil {
				t.Fatal(err)
			}
			types = append(types, b)
		}
		builder, err := btf.NewBuilder(types, nil)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := builder.Marshal(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	if a, b := marshal(), marshal(); !bytes.Equal(a, b) {
		t.Error("two conversions of the same declarations marshal differently")
	}
}
