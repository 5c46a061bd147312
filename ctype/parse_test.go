package ctype

import (
	"strings"
	"testing"
)

// prelude declares the named types the parse tests refer to.
const prelude = `
struct eth_t { uint8_t dst[6]; uint8_t src[6]; uint16_t type; } __attribute__((packed));
typedef char name_t[16];
typedef struct { int a; } anon_t;
typedef int (*cb_t)(int);
`

func newTestRegistry(t *testing.T) *Registry {
	t.Helper()
	r := NewRegistry(AMD64)
	if err := r.Define(prelude); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
		kind     Kind
		size     int
	}{
		{"uint32_t", "uint32_t", Int, 4},
		{"char [40]", "char [40]", Array, 40},
		{"uint8_t[?]", "uint8_t [?]", Array, -1},
		{"char *", "char *", Pointer, 8},
		{"const char *", "char *", Pointer, 8},
		{"char const * const", "char *", Pointer, 8},
		{"volatile uint64_t", "uint64_t", Int, 8},
		{"char **", "char **", Pointer, 8},
		{"char * restrict", "char *", Pointer, 8},
		{"struct eth_t", "struct eth_t", Struct, 14},
		{"struct eth_t *", "struct eth_t *", Pointer, 8},
		{"struct { char name[16]; int32_t stack_id; }", "struct { char name[16]; int32_t stack_id; }", Struct, 20},
		{"struct { uint64_t pid; char str[80]; }", "struct { uint64_t pid; char str[80]; }", Struct, 88},
		{"unsigned long long", "unsigned long long", Int, 8},
		{"unsigned long long int", "unsigned long long", Int, 8},
		{"long unsigned int", "unsigned long", Int, 8},
		{"unsigned", "unsigned int", Int, 4},
		{"signed", "int", Int, 4},
		{"short int", "short", Int, 2},
		{"signed char", "signed char", Int, 1},
		{"_Bool", "bool", Bool, 1},
		{"long double", "long double", Float, 16},
		{"void", "void", Void, 0},
		{"void *", "void *", Pointer, 8},
		{"int [2][3]", "int [2][3]", Array, 24},
		{"int [?][3]", "int [?][3]", Array, -1},
		{"int (*)[3]", "int (*)[3]", Pointer, 8},
		{"char *[4]", "char *[4]", Array, 32},
		{"int (*)(int, char *)", "int (*)(int, char *)", Pointer, 8},
		{"void (*)(void)", "void (*)(void)", Pointer, 8},
		{"int (*)(const char *, ...)", "int (*)(char *, ...)", Pointer, 8},
		{"int (*[2])(int)", "int (*[2])(int)", Array, 16},
		{"name_t", "name_t", Array, 16},
		{"name_t *", "name_t *", Pointer, 8},
		{"anon_t", "anon_t", Struct, 4},
		{"cb_t", "cb_t", Pointer, 8},
		{"uint8_t [1 << 4]", "uint8_t [16]", Array, 16},
		{"uint8_t [0x10 + 2*3]", "uint8_t [22]", Array, 22},
		{"char [sizeof(struct eth_t)]", "char [14]", Array, 14},
		{"char [0xffffffffffffffff >> 60]", "char [15]", Array, 15},
		{"char [0xffffffffffffffff / 0x1000000000000000]", "char [15]", Array, 15},
		{"char [(0xffffffffffffffff > 1) + 2]", "char [3]", Array, 3},
		{"struct { int x : 3; int : 0; int y : 2; }", "struct { int x:3; int :0; int y:2; }", Struct, 8},
		{"struct __attribute__((packed)) { char c; int x; }", "struct __attribute__((packed)) { char c; int x; }", Struct, 5},
		{"union { int i; char c[6]; }", "union { int i; char c[6]; }", Union, 8},
		{"enum { A, B }", "unsigned int", Int, 4},
		{"/* comment */ int // trailing\n", "int", Int, 4},
	}
	r := newTestRegistry(t)
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			typ, err := r.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := typ.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if typ.Kind != tc.kind || typ.Size != tc.size {
				t.Errorf("kind %v size %d, want %v %d", typ.Kind, typ.Size, tc.kind, tc.size)
			}
		})
	}
}

func TestParseParams(t *testing.T) {
	r := newTestRegistry(t)
	u32 := r.MustParse("uint32_t")
	eth := r.MustParse("struct eth_t")
	tests := []struct {
		in     string
		params []*Type
		want   string
	}{
		{"$ [1]", []*Type{u32}, "uint32_t [1]"},
		{"$ *", []*Type{eth}, "struct eth_t *"},
		{"struct { $ key; $ val; }", []*Type{u32, eth}, "struct { uint32_t key; struct eth_t val; }"},
		{"const $", []*Type{u32}, "uint32_t"},
	}
	for _, tc := range tests {
		typ, err := r.Parse(tc.in, tc.params...)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := typ.String(); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "type expected near '<eof>'"},
		{"foo_t", "unknown type name 'foo_t' near 'foo_t'"},
		{"struct nosuch", "undeclared or implicit tag 'struct nosuch' near 'nosuch'"},
		{"union nosuch *", "undeclared or implicit tag 'union nosuch' near 'nosuch'"},
		{"enum nosuch", "undeclared or implicit tag 'enum nosuch' near 'nosuch'"},
		{"int x", "unexpected 'x' after type near 'x'"},
		{"char [", "constant expression expected near '<eof>'"},
		{"char [4", "']' expected near '<eof>'"},
		{"char [-1]", "size of array is negative near ']'"},
		{"char [0x7fffffffffff]", "size of array is too large near ']'"},
		{"char [0xffffffffffffffff]", "size of array is too large near ']'"},
		{"char [-1u]", "size of array is too large near ']'"},
		{"char [sizeof(int) - 8]", "size of array is too large near ']'"},
		{"char [(int)-1]", "size of array is negative near ']'"},
		{"uint64_t [1 << 30]", "size of array is too large near '<eof>'"},
		{"char [1/0]", "division by zero in constant expression near ']'"},
		{"char [NOPE]", "undeclared identifier 'NOPE' in constant expression near 'NOPE'"},
		{"int [3][?]", "only the outermost array dimension can be '[?]' near '<eof>'"},
		{"void [2]", "array of void is not allowed near '<eof>'"},
		{"unsigned float", "invalid combination of type specifiers 'unsigned float' near '<eof>'"},
		{"long long long", "invalid combination of type specifiers 'long long long' near '<eof>'"},
		{"short char", "invalid combination of type specifiers 'short char' near '<eof>'"},
		{"int int", "invalid combination of type specifiers 'int int' near '<eof>'"},
		{"struct eth_t int", "invalid combination of type specifiers near 'int'"},
		{"$", "missing parameter for '$' near '<eof>'"},
		{"struct { int a; int a; }", "duplicate member 'a' near ';'"},
		{"struct { int a:33; }", "width of bit-field 'a' exceeds its type near ';'"},
		{"struct { bool b:2; }", "width of bit-field 'b' exceeds its type near ';'"},
		{"struct { float f:2; }", "bit-field 'f' has non-integer type near ';'"},
		{"struct { int a:0; }", "named bit-field 'a' has zero width near ';'"},
		{"struct { void v; }", "member 'v' has type void near ';'"},
		{"struct { char d[?]; int n; }", "variable-length member 'd' must be last near ';'"},
		{"struct { int a; ", "'}' expected near '<eof>'"},
		{"struct { char x } ", "';' expected near '}'"},
		{"int (*)(void x", "parameter has type void near '<eof>'"},
		{"int (*)(int x", "')' expected near '<eof>'"},
		{"struct __attribute__((aligned(3))) { int a; }", "requested alignment is not a power of two near ')'"},
		{"char [1 ? 2 : ]", "constant expression expected near ']'"},
		{"int @", "unexpected character near '@'"},
		{"int /* open", "unfinished comment near '<eof>'"},
		{"#include <x.h>\nint", "preprocessor directives are not supported near '#include <x.h>'"},
		{"char [12abc]", "malformed number near '12abc'"},
		{"char [12lul]", "invalid integer suffix near '12lul'"},
		{"char [99999999999999999999]", "integer constant is too large near '99999999999999999999'"},
		{"int\n\n(", "line 3: type expected near '<eof>'"},
		{strings.Repeat("(", 300), "type expected near '('"},
		{"int " + strings.Repeat("(", 300), "declaration is nested too deeply near '('"},
		{"char [" + strings.Repeat("- ", 300) + "1]", "declaration is nested too deeply near '-'"},
	}
	r := newTestRegistry(t)
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := r.Parse(tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error is %T, want *Error", err)
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err.Error(), tc.want)
			}
		})
	}
}
