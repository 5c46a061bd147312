// Package compile is luabpf's Go API: it compiles Lua kernel functions
// to cilium/ebpf program specifications without running any script.
//
//	prog, err := compile.Source("count.lua", src, &compile.Options{
//		Maps: map[string]compile.MapSpec{"counts": {Type: "array", MaxEntries: 256}},
//	})
//	spec, err := prog.CollectionSpec()
//	coll, err := ebpf.NewCollection(spec)
//
// [Source] compiles one function of a file with its free names bound by
// [Options]. The Lua runtime uses the lower-level entry point: [Parse] a
// script once, find a function by its lines ([File.FuncAt]) and compile
// it with [Function], giving the function's upvalues through a
// [value.Env]. Both end in the same pipeline: resolve names, lower to IR,
// optimise, allocate registers, emit.
//
// Errors in the Lua code are *CompileError (or an *ErrorList of them)
// naming the file and line.
package compile

import (
	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/pipeline"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// CompileError is a mistake in the Lua source, at a file and line.
type CompileError = source.CompileError

// ErrorList is several compile errors.
type ErrorList = source.ErrorList

// Line is the Lua line an instruction came from; every instruction of a
// compiled program carries one as its Source.
type Line = source.Line

// Kind names a kind of program (see proto.Kind for what each means).
type Kind = proto.KindID

// Program kinds.
const (
	// SocketFilter programs see a struct __sk_buff and read the packet
	// through the pkt dissector chain.
	SocketFilter = proto.SocketFilterKind
	// XDP programs see a struct xdp_md and read and write the frame
	// through the same chain, directly.
	XDP = proto.XDPKind
	// TC programs see a struct __sk_buff as TC allows it and read and
	// write the frame directly.
	TC = proto.TCKind
)

// FuncOptions configure [Function].
type FuncOptions = value.CompileOptions

// Program is a compiled function: Spec and the maps it refers to.
type Program = value.Program

// Function compiles a kernel function. It is the entry point every
// compilation goes through.
func Function(fn *Func, opts *FuncOptions) (*Program, error) {
	if opts == nil {
		opts = &FuncOptions{}
	}
	kind := opts.Kind
	if kind == nil {
		kind = proto.SocketFilter
	}
	res, err := pipeline.Compile(fn.fn, &pipeline.Options{Kind: kind, Tracepoint: opts.Tracepoint, Env: opts.Env, NoOptimize: opts.NoOptimize, Dump: opts.Dump})
	if err != nil {
		return nil, err
	}
	section := opts.Section
	if section == "" {
		section = kind.Section
	}
	attach := opts.Attach
	if attach == 0 {
		attach = kind.Attach
	}
	spec := &ebpf.ProgramSpec{
		Name:         value.KernelName(res.Name),
		Type:         kind.Program,
		AttachType:   attach,
		SectionName:  section,
		Instructions: res.Insns,
		License:      "GPL",
	}
	return &Program{Spec: spec, Maps: res.Maps, Kind: kind, Name: res.Name}, nil
}

// Compiler is luabpf's compiler as the Lua runtime uses it (it
// implements value.Compiler).
type Compiler struct{}

// Parse implements value.Compiler.
func (Compiler) Parse(name, text string) (value.Script, error) { return Parse(name, text) }

// Builtin describes a function kernel code may call that the compiler
// implements.
type Builtin = irgen.BuiltinInfo

// Builtins lists the builtins kernel code may call.
func Builtins() []Builtin { return irgen.Builtins() }

// Builtins implements value.Compiler: it maps the userspace functions
// that stand for builtins ("ffi.new", "bpf.ntoh") to the builtins' names.
func (Compiler) Builtins() map[string]string {
	out := map[string]string{}
	for _, b := range irgen.Builtins() {
		if b.User != "" {
			out[b.User] = b.Name
		}
	}
	return out
}
