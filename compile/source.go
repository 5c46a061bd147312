package compile

import (
	"fmt"
	"sort"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
)

// MapSpec declares a map a function uses.
type MapSpec struct {
	// Type is the map type as bpf.map names it: "hash", "array",
	// "percpu_hash", "percpu_array", "lru_hash", "lru_percpu_hash", ...
	Type string
	// KeyType and ValueType are C types ("uint32_t", "struct { ... }");
	// empty means uint32_t, or the type the map type fixes.
	KeyType, ValueType string
	MaxEntries         int
}

// Options configure [Source]. A nil *Options compiles the first function
// in the file as a socket filter with no free names bound.
type Options struct {
	// Kind is the kind of program to compile (the zero value is a
	// socket filter).
	Kind Kind
	// Function names the function to compile: `function NAME(...)`,
	// `local function NAME` or `local NAME = function`. Empty means the
	// first function in the file. The file's other named functions may
	// be called from it: their code is inlined.
	Function string
	// Maps binds free names to maps.
	Maps map[string]MapSpec
	// Consts binds free names to int, int64, float64, string or bool.
	Consts map[string]any
	// CDef holds C declarations (as ffi.cdef takes them) for the types
	// the function and the map specs use.
	CDef string
	// NoOptimize skips the optional optimisation passes.
	NoOptimize bool
}

// Source compiles one function of the Lua file src (named filename in
// errors).
func Source(filename, src string, opts *Options) (*Program, error) {
	if opts == nil {
		opts = &Options{}
	}
	kind, err := proto.KindOf(opts.Kind)
	if err != nil {
		return nil, err
	}
	reg := ctype.NewRegistry(ctype.HostArch())
	if opts.CDef != "" {
		if err := reg.Define(opts.CDef); err != nil {
			return nil, fmt.Errorf("cdef: %w", err)
		}
	}
	file, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	fn, err := file.FuncNamed(opts.Function)
	if err != nil {
		return nil, err
	}
	env, err := newEnv(reg, opts)
	if err != nil {
		return nil, err
	}
	env.file = file
	return Function(fn, &FuncOptions{Kind: kind, Env: env, NoOptimize: opts.NoOptimize})
}

// env binds free names from Options; the file's named functions are
// its globals, so kernel code can call (inline) them.
type env struct {
	reg    *ctype.Registry
	values map[string]value.Value
	file   *File
}

func (e *env) Upvalue(n string) (value.Value, bool) { v, ok := e.values[n]; return v, ok }
func (e *env) Types() *ctype.Registry               { return e.reg }

func (e *env) Global(n string) (value.Value, bool) {
	if e.file == nil {
		return nil, false
	}
	node, err := e.file.f.FindNamed(n)
	if err != nil {
		return nil, false
	}
	return &value.Func{Source: e.file.f.Src.Name, First: node.Line(), Last: node.LastLine(), Env: e}, true
}

func newEnv(reg *ctype.Registry, opts *Options) (*env, error) {
	e := &env{reg: reg, values: map[string]value.Value{}}
	names := make([]string, 0, len(opts.Maps))
	for n := range opts.Maps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m, err := NewMap(reg, n, opts.Maps[n])
		if err != nil {
			return nil, err
		}
		e.values[n] = m
	}
	for n, c := range opts.Consts {
		switch c := c.(type) {
		case int:
			e.values[n] = value.Int(c)
		case int64:
			e.values[n] = value.Int(c)
		case float64:
			e.values[n] = value.Float(c)
		case string:
			e.values[n] = value.String(c)
		case bool:
			e.values[n] = value.Bool(c)
		default:
			return nil, fmt.Errorf("const %s: unsupported type %T", n, c)
		}
	}
	return e, nil
}

// NewMap describes the map called name from a MapSpec, parsing its C
// types with reg.
func NewMap(reg *ctype.Registry, name string, ms MapSpec) (*value.Map, error) {
	typ, ok := proto.MapTypeOf(ms.Type)
	if !ok {
		return nil, fmt.Errorf("map %s: unknown type %q", name, ms.Type)
	}
	if typ.Bytes {
		return &value.Map{Name: name, Type: typ, MaxEntries: ms.MaxEntries}, nil
	}
	k, err := parseType(reg, ms.KeyType, typ.Key)
	if err != nil {
		return nil, fmt.Errorf("map %s key: %w", name, err)
	}
	v, err := parseType(reg, ms.ValueType, typ.Value)
	if err != nil {
		return nil, fmt.Errorf("map %s value: %w", name, err)
	}
	return &value.Map{Name: name, Type: typ, Key: k, Value: v, MaxEntries: ms.MaxEntries}, nil
}

// parseType parses a map's key or value type: the one the map type
// fixes, else the one given, else uint32_t.
func parseType(reg *ctype.Registry, s, fixed string) (*ctype.Type, error) {
	switch {
	case fixed != "":
		s = fixed
	case s == "":
		s = "uint32_t"
	}
	return reg.Parse(s)
}
