package ctype

import (
	"testing"
)

func TestDefineDeclarations(t *testing.T) {
	r := NewRegistry(AMD64)
	err := r.Define(`
		unsigned long long strtoull(const char *, char **, int);
		int printf(const char *fmt, ...);
		extern int errno;
		typedef int (*handler_t)(void *ctx, uint32_t len);
		typedef struct node { struct node *next; int v; } node_t;
		enum color { RED, GREEN = 5, BLUE, MASK = (1 << 4) | 3, NEG = -2 };
		static const int DEPTH = 127;
		const int LIMIT = 3 * 4;
		struct bpf { static const int LD = 0x00; static const int ALU64 = 0x07; static const int NET_OFF = -0x100000; };
		struct fwd;
		struct fwd *fwd_ptr;
		struct fwd { int x; };
		int strlen_like(const char *) __asm__("strlen");
		void f(int a[4], int g(void));
	`)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := r.Func("strtoull")
	if !ok || f.Kind != Func || f.Elem.String() != "unsigned long long" || len(f.Params) != 3 || f.Params[1].String() != "char **" {
		t.Errorf("strtoull = %v", f)
	}
	if p, ok := r.Func("printf"); !ok || !p.Variadic {
		t.Errorf("printf = %v, variadic %v", p, ok && p.Variadic)
	}
	if v, ok := r.Var("errno"); !ok || v.String() != "int" {
		t.Errorf("errno = %v", v)
	}
	if h, ok := r.Lookup("handler_t"); !ok || h.Kind != Pointer || h.Elem.Kind != Func {
		t.Errorf("handler_t = %v", h)
	}
	if g, ok := r.Func("f"); !ok || g.Params[0].String() != "int *" || g.Params[1].String() != "int (*)(void)" {
		t.Errorf("f = %v", g)
	}
	node, _ := r.Lookup("struct node")
	if n, _ := r.Lookup("node_t"); n != node || node.Fields[0].Type.Elem != node || node.Size != 16 {
		t.Errorf("node_t = %v, struct node = %v", n, node)
	}
	for name, want := range map[string]int64{"RED": 0, "GREEN": 5, "BLUE": 6, "MASK": 19, "NEG": -2, "DEPTH": 127, "LIMIT": 12} {
		if v, ok := r.Const(name); !ok || v != want {
			t.Errorf("Const(%s) = %d, %v; want %d", name, v, ok, want)
		}
	}
	if e, _ := r.Lookup("enum color"); e.Kind != Int || !e.Signed || e.Size != 4 {
		t.Errorf("enum color = %+v", e)
	}
	bpf, _ := r.Lookup("struct bpf")
	if bpf.Size != 0 || bpf.Consts["ALU64"] != 7 || bpf.Consts["NET_OFF"] != -0x100000 {
		t.Errorf("struct bpf = %+v", bpf)
	}
	fwd, _ := r.Lookup("struct fwd")
	if p, _ := r.Var("fwd_ptr"); p.Elem != fwd || fwd.Incomplete || fwd.Size != 4 {
		t.Errorf("fwd_ptr = %v, struct fwd = %+v", p, fwd)
	}
	if _, ok := r.Func("strlen_like"); !ok {
		t.Error("strlen_like not declared")
	}
}

func TestDefineRedefinition(t *testing.T) {
	tests := []struct {
		name, first, second, err string
	}{
		{"same struct", "struct s { int a; };", "struct s { int a; };", ""},
		{"same packed struct", "struct s { char c; int a; } __attribute__((packed));", "struct s { char c; int a; } __attribute__((packed));", ""},
		{"different struct", "struct s { int a; };", "struct s { long a; };", "attempt to redefine 'struct s' near ';'"},
		{"different union", "union u { int a; };", "union u { int b; };", "attempt to redefine 'union u' near ';'"},
		{"same typedef", "typedef unsigned int u32;", "typedef uint32_t u32;", ""},
		{"builtin typedef", "", "typedef unsigned long long uint64_t; typedef unsigned long size_t;", ""},
		{"different typedef", "typedef int t;", "typedef char t;", "attempt to redefine 't' near ';'"},
		{"same anonymous typedef", "typedef struct { int a; } t;", "typedef struct { int a; } t;", ""},
		{"same enum", "enum e { A, B };", "enum e { A, B };", ""},
		{"different constant", "enum { A = 1 };", "enum { A = 2 };", "attempt to redefine 'A' near '}'"},
		{"same prototype", "int f(int);", "int f(int x);", ""},
		{"different prototype", "int f(int);", "long f(char *);", "attempt to redefine 'f' near ';'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry(AMD64)
			if err := r.Define(tc.first); err != nil {
				t.Fatal(err)
			}
			err := r.Define(tc.second)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.err {
				t.Errorf("error %q, want %q", got, tc.err)
			}
		})
	}
}

func TestDefineErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"int f(void) { return 0; }", "function definitions are not supported near '{'"},
		{"struct s { int a; }", "';' expected near '<eof>'"},
		{"nosuch_t x;", "unknown type name 'nosuch_t' near 'nosuch_t'"},
		{"void v;", "variable 'v' has type void near ';'"},
		{"static const double D = 1;", "constant 'D' must have an integer type near '1'"},
		{"struct s { struct undefined u; };", "member 'u' has incomplete type 'struct undefined' near ';'"},
		{"struct s { int f(void); };", "member 'f' has function type near ';'"},
		{"union u { char d[?]; };", "variable-length member 'd' in a union near ';'"},
		{"typedef typedef int t;", "multiple storage classes near 'typedef'"},
		{"int a[2](int);", "array of func is not allowed near ';'"},
		{"int f(int)(int);", "function cannot return an array or a function near ';'"},
		{"struct s { static const float F = 1; };", "static member must be an integer constant near 'F'"},
		{"enum { A = B };", "undeclared identifier 'B' in constant expression near 'B'"},
		{"struct s { int a; };\n\nstruct t { int b };", "line 3: ';' expected near '}'"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := NewRegistry(AMD64).Define(tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err.Error(), tc.want)
			}
		})
	}
}
