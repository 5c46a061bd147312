package ctype

import "sort"

// Registry holds the types a script has declared with ffi.cdef, plus the
// built-in ones, laid out for one Arch. It is not safe for concurrent use.
type Registry struct {
	arch     Arch
	base     map[string]*Type // built-in base types by canonical spelling: "int", "unsigned long"
	typedefs map[string]*Type // typedef names, built-in ones included
	tags     map[string]*Type // "struct foo", "union foo", "enum foo"
	consts   map[string]int64 // enum constants and top-level static consts
	funcs    map[string]*Type // function prototypes
	vars     map[string]*Type // extern variables
}

// NewRegistry returns a registry for arch preloaded with void, bool/_Bool,
// char, signed/unsigned char, short, int, long, long long (all signed and
// unsigned spellings), int8_t..int64_t, uint8_t..uint64_t, size_t, ssize_t,
// intptr_t, uintptr_t, ptrdiff_t, float, double, long double and wchar_t.
func NewRegistry(arch Arch) *Registry {
	r := &Registry{
		arch:     arch,
		base:     map[string]*Type{},
		typedefs: map[string]*Type{},
		tags:     map[string]*Type{},
		consts:   map[string]int64{},
		funcs:    map[string]*Type{},
		vars:     map[string]*Type{},
	}
	r.base["void"] = &Type{Kind: Void, Name: "void", Align: 1}
	r.base["bool"] = &Type{Kind: Bool, Name: "bool", Size: 1, Align: 1}
	r.base["char"] = intType("char", 1, arch == AMD64)
	for _, b := range []struct {
		name string
		size int
	}{{"char", 1}, {"short", 2}, {"int", 4}, {"long", 8}, {"long long", 8}} {
		if b.name != "char" {
			r.base[b.name] = intType(b.name, b.size, true)
		} else {
			r.base["signed char"] = intType("signed char", 1, true)
		}
		r.base["unsigned "+b.name] = intType("unsigned "+b.name, b.size, false)
	}
	r.base["float"] = &Type{Kind: Float, Name: "float", Size: 4, Align: 4}
	r.base["double"] = &Type{Kind: Float, Name: "double", Size: 8, Align: 8}
	r.base["long double"] = &Type{Kind: Float, Name: "long double", Size: 16, Align: 16}
	for _, n := range []int{8, 16, 32, 64} {
		s := itoa(int64(n))
		r.typedefs["int"+s+"_t"] = intType("int"+s+"_t", n/8, true)
		r.typedefs["uint"+s+"_t"] = intType("uint"+s+"_t", n/8, false)
	}
	for _, name := range []string{"ssize_t", "intptr_t", "ptrdiff_t"} {
		r.typedefs[name] = intType(name, 8, true)
	}
	for _, name := range []string{"size_t", "uintptr_t"} {
		r.typedefs[name] = intType(name, 8, false)
	}
	r.typedefs["wchar_t"] = intType("wchar_t", 4, arch == AMD64)
	r.typedefs["_Bool"] = r.base["bool"]
	r.typedefs["bool"] = r.base["bool"]
	return r
}

func intType(name string, size int, signed bool) *Type {
	return &Type{Kind: Int, Name: name, Size: size, Align: size, Signed: signed}
}

// Arch returns the ABI the registry lays types out for.
func (r *Registry) Arch() Arch { return r.arch }

// Func returns a function prototype declared with Define (Kind Func).
func (r *Registry) Func(name string) (*Type, bool) {
	t, ok := r.funcs[name]
	return t, ok
}

// Var returns the type of an extern variable declared with Define.
func (r *Registry) Var(name string) (*Type, bool) {
	t, ok := r.vars[name]
	return t, ok
}

// Const returns the value of an enum constant or a top-level
// `static const` integer declared with Define.
func (r *Registry) Const(name string) (int64, bool) {
	v, ok := r.consts[name]
	return v, ok
}

// Lookup returns a typedef name, a built-in base type ("unsigned int") or
// a tagged type spelled "struct tag", "union tag" or "enum tag".
func (r *Registry) Lookup(name string) (*Type, bool) {
	if t, ok := r.typedefs[name]; ok {
		return t, true
	}
	if t, ok := r.tags[name]; ok {
		return t, true
	}
	t, ok := r.base[name]
	return t, ok
}

// Typedefs returns the typedef names the registry knows, sorted.
func (r *Registry) Typedefs() []string { return sortedKeys(r.typedefs) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
