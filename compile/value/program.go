package value

import (
	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/disasm"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// Compiler is the interface between the Lua runtime and luabpf's
// compiler: the runtime parses each script through it and compiles the
// script's kernel functions from there. Package compile provides the
// implementation (compile.Compiler); the runtime depends only on this
// interface, so it builds and runs without any compiler stage linked to
// it directly.
type Compiler interface {
	// Parse parses the script text named name.
	Parse(name, text string) (Script, error)
	// Builtins maps each userspace function that stands for a builtin
	// when kernel code captures it ("ffi.new", "bpf.ntoh", as
	// "module.function") to the builtin's name in kernel code.
	Builtins() map[string]string
}

// Script is a parsed script.
type Script interface {
	// Text is the text the Lua VM loads for the script (line numbers
	// unchanged).
	Text() string
	// Compile compiles the function spanning lines first to last, as the
	// Lua VM records a function's lines (LineDefined, LastLineDefined).
	Compile(first, last int, opts *CompileOptions) (*Program, error)
}

// CompileOptions configure the compilation of one function.
type CompileOptions struct {
	// Kind is the kind of program to compile; nil means a socket filter.
	Kind *proto.Kind
	// Env gives the function's free names their values.
	Env Env
	// NoOptimize skips the optional optimisation passes.
	NoOptimize bool
	// Dump, when set, receives the text of each compiler stage: "ir",
	// "pass:NAME", "regalloc".
	Dump func(stage, text string)
}

// Program is a compiled function: the specification a loader turns into
// a kernel program, and the maps it refers to.
type Program struct {
	// Spec holds the instructions: instruction 0 carries the function's
	// name as its symbol, jumps name their targets' labels, map loads
	// reference maps by name, and every instruction's Source is the
	// *source.Line it came from.
	Spec *ebpf.ProgramSpec
	// Maps are the maps Spec references, by their names.
	Maps []*Map
	// Kind is the kind the function was compiled as.
	Kind *proto.Kind
	// Name is the function's name in the script (Spec.Name is the
	// kernel's shortened form).
	Name string
}

// Slots returns the program's length in 8-byte instruction slots.
func (p *Program) Slots() int { return disasm.Slots(p.Spec.Instructions) }

// Line returns the Lua line of the instruction at a kernel instruction
// index (the verifier's numbering, in slots), or nil.
func (p *Program) Line(slot int) *source.Line { return source.LineAt(p.Spec.Instructions, slot) }

// Dump renders the program as bpf.dump prints it: one instruction per
// line with its slot index, and the Lua file:line where the line changes.
func (p *Program) Dump() string { return disasm.Program(p.Spec.Instructions) }

// MapSpecs returns the specifications of the maps the program uses, by
// name.
func (p *Program) MapSpecs() map[string]*ebpf.MapSpec {
	out := make(map[string]*ebpf.MapSpec, len(p.Maps))
	for _, m := range p.Maps {
		out[m.Name] = m.Spec()
	}
	return out
}

// CollectionSpec returns a collection holding the program (under its
// kernel name) and its maps, ready for ebpf.NewCollection.
func (p *Program) CollectionSpec() *ebpf.CollectionSpec {
	return &ebpf.CollectionSpec{Maps: p.MapSpecs(), Programs: map[string]*ebpf.ProgramSpec{p.Spec.Name: p.Spec}}
}

// Spec returns the kernel map specification of the map.
func (m *Map) Spec() *ebpf.MapSpec {
	return &ebpf.MapSpec{
		Name:       KernelName(m.Name),
		Type:       m.Type.Type,
		KeySize:    uint32(m.KeySize()),
		ValueSize:  uint32(m.ValueSize()),
		MaxEntries: uint32(m.MaxEntries),
	}
}

// KeySize returns the size of the map's keys in bytes (0 for maps
// without keys, such as ring buffers).
func (m *Map) KeySize() int {
	if m.Key == nil {
		return 0
	}
	return m.Key.Size
}

// ValueSize returns the size of the map's values in bytes.
func (m *Map) ValueSize() int {
	if m.Value == nil {
		return 0
	}
	return m.Value.Size
}

// KernelName makes a kernel-acceptable object name: up to 15 characters
// of [A-Za-z0-9_.].
func KernelName(s string) string {
	b := make([]byte, 0, 15)
	for i := 0; i < len(s) && len(b) < 15; i++ {
		c := s[i]
		if c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			b = append(b, c)
		}
	}
	return string(b)
}
