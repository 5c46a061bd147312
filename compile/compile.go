// Package compile is luabpf's Go API: it compiles a Lua kernel function
// to a cilium/ebpf ProgramSpec without running any script.
//
//	prog, err := compile.Source("count.lua", src, &compile.Options{
//		Maps: map[string]compile.MapSpec{"counts": {Type: "array", MaxEntries: 256}},
//	})
//	coll, err := ebpf.NewCollection(prog.CollectionSpec())
//
// The function's free names (what a script would give it as upvalues or
// globals) are bound by Options: Maps to BPF maps, Consts to numbers,
// strings and booleans. Errors in the Lua code are *CompileError (or an
// *ErrorList of them) naming the file and line.
package compile

import (
	"fmt"
	"sort"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/pipeline"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/yuin/gopher-lua/ast"
)

// CompileError is a mistake in the Lua source, at a file and line.
type CompileError = source.CompileError

// ErrorList is several compile errors.
type ErrorList = source.ErrorList

// Kind is the kind of program a function is compiled as.
type Kind int

// Program kinds.
const (
	// SocketFilter programs see a struct __sk_buff and read the packet
	// through the pkt dissector chain.
	SocketFilter Kind = iota
)

// MapSpec declares a map a function uses.
type MapSpec struct {
	// Type is the map type as bpf.map names it: "hash", "array",
	// "percpu_hash", "percpu_array", "lru_hash", "lru_percpu_hash".
	Type string
	// KeyType and ValueType are C types ("uint32_t", "struct { ... }");
	// empty means uint32_t.
	KeyType, ValueType string
	MaxEntries         int
}

// Options configure a compilation. A nil *Options compiles the first
// function in the file as a socket filter with no free names bound.
type Options struct {
	Kind Kind
	// Function names the function to compile: `function NAME(...)`,
	// `local function NAME` or `local NAME = function`. Empty means the
	// first function in the file.
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

// Program is a compiled function.
type Program struct {
	// Spec holds the instructions; map loads reference maps by name.
	Spec *ebpf.ProgramSpec
	// Maps are the maps Spec references, by the same names.
	Maps map[string]*ebpf.MapSpec
	// Lines gives the Lua line of each instruction of Spec.
	Lines []int
}

// CollectionSpec returns a collection holding the program (under its
// function's name) and its maps, ready for ebpf.NewCollection.
func (p *Program) CollectionSpec() *ebpf.CollectionSpec {
	return &ebpf.CollectionSpec{Maps: p.Maps, Programs: map[string]*ebpf.ProgramSpec{p.Spec.Name: p.Spec}}
}

// Source compiles one function of the Lua file src (named filename in
// errors).
func Source(filename, src string, opts *Options) (*Program, error) {
	if opts == nil {
		opts = &Options{}
	}
	reg := ctype.NewRegistry(ctype.HostArch())
	if opts.CDef != "" {
		if err := reg.Define(opts.CDef); err != nil {
			return nil, fmt.Errorf("cdef: %w", err)
		}
	}
	file, err := frontend.ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	node, name, err := pick(file, opts.Function)
	if err != nil {
		return nil, err
	}
	fn, err := frontend.Resolve(file, node, name)
	if err != nil {
		return nil, err
	}
	env, specs, err := newEnv(reg, opts)
	if err != nil {
		return nil, err
	}
	res, err := pipeline.Compile(fn, &pipeline.Options{Kind: irgen.SocketFilter, Env: env, NoOptimize: opts.NoOptimize})
	if err != nil {
		return nil, err
	}
	maps := map[string]*ebpf.MapSpec{}
	for _, ref := range res.Maps {
		maps[ref.Name] = specs[ref.Name]
	}
	spec := &ebpf.ProgramSpec{Name: res.Name, Type: ebpf.SocketFilter, Instructions: res.Insns, License: "GPL"}
	return &Program{Spec: spec, Maps: maps, Lines: res.Lines}, nil
}

func pick(file *frontend.File, name string) (*ast.FunctionExpr, string, error) {
	if name != "" {
		n, err := file.FindNamed(name)
		return n, name, err
	}
	fns, names := file.Funcs()
	if len(fns) == 0 {
		return nil, "", fmt.Errorf("%s: no function to compile", file.Src.Name)
	}
	return fns[0], names[0], nil
}

// env binds free names from Options.
type env struct {
	reg    *ctype.Registry
	values map[string]irgen.Value
}

func (e *env) Upvalue(n string) (irgen.Value, bool) { v, ok := e.values[n]; return v, ok }
func (e *env) Global(string) (irgen.Value, bool)    { return nil, false }
func (e *env) Types() *ctype.Registry               { return e.reg }

var mapTypes = map[string]ebpf.MapType{
	"hash": ebpf.Hash, "array": ebpf.Array, "percpu_hash": ebpf.PerCPUHash,
	"percpu_array": ebpf.PerCPUArray, "lru_hash": ebpf.LRUHash, "lru_percpu_hash": ebpf.LRUCPUHash,
}

func newEnv(reg *ctype.Registry, opts *Options) (*env, map[string]*ebpf.MapSpec, error) {
	e := &env{reg: reg, values: map[string]irgen.Value{}}
	specs := map[string]*ebpf.MapSpec{}
	names := make([]string, 0, len(opts.Maps))
	for n := range opts.Maps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ms := opts.Maps[n]
		typ, ok := mapTypes[ms.Type]
		if !ok {
			return nil, nil, fmt.Errorf("map %s: unknown type %q", n, ms.Type)
		}
		k, err := parseType(reg, ms.KeyType)
		if err != nil {
			return nil, nil, fmt.Errorf("map %s key: %w", n, err)
		}
		v, err := parseType(reg, ms.ValueType)
		if err != nil {
			return nil, nil, fmt.Errorf("map %s value: %w", n, err)
		}
		ref := &ir.MapRef{Name: n, MapType: ms.Type, KeySize: k.Size, ValueSize: v.Size}
		e.values[n] = &irgen.Map{Ref: ref, Key: k, Val: v, MaxEntries: ms.MaxEntries}
		specs[n] = &ebpf.MapSpec{Name: n, Type: typ, KeySize: uint32(k.Size), ValueSize: uint32(v.Size), MaxEntries: uint32(ms.MaxEntries)}
	}
	for n, c := range opts.Consts {
		switch c := c.(type) {
		case int:
			e.values[n] = irgen.Int(c)
		case int64:
			e.values[n] = irgen.Int(c)
		case float64:
			e.values[n] = irgen.Float(c)
		case string:
			e.values[n] = irgen.String(c)
		case bool:
			e.values[n] = irgen.Bool(c)
		default:
			return nil, nil, fmt.Errorf("const %s: unsupported type %T", n, c)
		}
	}
	return e, specs, nil
}

func parseType(reg *ctype.Registry, s string) (*ctype.Type, error) {
	if s == "" {
		s = "uint32_t"
	}
	return reg.Parse(s)
}
