package value

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/disasm"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
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
	// Proto is the script compiled for the Lua VM, from the parse the
	// kernel functions are compiled from (so the text is parsed once):
	// running it defines the functions Compile finds by their lines.
	Proto() (*lua.FunctionProto, error)
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
	// Tracepoint is the format of the tracepoint a tracepoint program is
	// for: its record is the program's context.
	Tracepoint *proto.TracepointFormat
	// Section is the ELF section the program belongs in ("kretprobe/
	// do_sys_open"); "" means the kind's.
	Section string
	// Attach is the program's attach type when it is not the kind's
	// (a TC program for egress: ebpf.AttachTCXEgress); 0 means the
	// kind's.
	Attach ebpf.AttachType
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
func (p *Program) MapSpecs() (map[string]*ebpf.MapSpec, error) {
	out := make(map[string]*ebpf.MapSpec, len(p.Maps))
	for _, m := range p.Maps {
		s, err := m.Spec()
		if err != nil {
			return nil, err
		}
		out[m.Name] = s
	}
	return out, nil
}

// CollectionSpec returns a collection holding the program (under its
// kernel name, as KernelSpec makes it) and its maps, ready for
// ebpf.NewCollection.
func (p *Program) CollectionSpec() (*ebpf.CollectionSpec, error) {
	maps, err := p.MapSpecs()
	if err != nil {
		return nil, err
	}
	spec, err := p.KernelSpec()
	if err != nil {
		return nil, err
	}
	return &ebpf.CollectionSpec{Maps: maps, Programs: map[string]*ebpf.ProgramSpec{spec.Name: spec}}, nil
}

// KernelSpec returns a copy of Spec ready to load with its debug
// information: func info naming the function (so the kernel keeps its
// whole name) and BTF line info with the Lua file and line of each
// statement, which the verifier's log and bpftool's dumps show. Spec
// itself keeps every instruction's *source.Line.
func (p *Program) KernelSpec() (*ebpf.ProgramSpec, error) {
	s := p.Spec.Copy()
	insns, err := elfobj.LineInfo(s.Instructions)
	if err != nil {
		return nil, fmt.Errorf("line info for %s: %w", p.Name, err)
	}
	s.Instructions = insns
	if len(insns) > 0 {
		insns[0] = btf.WithFuncMetadata(insns[0], FuncType(p.Name, p.Kind))
	}
	return s, nil
}

// FuncType is the BTF function a program of kind k named name is: int
// name(CTX *ctx), with the kind's context struct or void.
func FuncType(name string, k *proto.Kind) *btf.Func {
	var ctx btf.Type = &btf.Void{}
	if k.CtxBTF != "" {
		ctx = &btf.Fwd{Name: k.CtxBTF}
	}
	proto := &btf.FuncProto{
		Return: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed},
		Params: []btf.FuncParam{{Name: "ctx", Type: &btf.Pointer{Target: ctx}}},
	}
	return &btf.Func{Name: name, Type: proto, Linkage: btf.GlobalFunc}
}

// Spec returns the kernel map specification of the map, with BTF for
// its key and value types where the map type takes it, so bpftool prints
// entries with their field names.
func (m *Map) Spec() (*ebpf.MapSpec, error) {
	s := &ebpf.MapSpec{
		Name:       KernelName(m.Name),
		Type:       m.Type.Type,
		KeySize:    uint32(m.KeySize()),
		ValueSize:  uint32(m.ValueSize()),
		MaxEntries: uint32(m.MaxEntries),
	}
	if m.Type.NoBTF || m.Key == nil || m.Value == nil {
		return s, nil
	}
	conv := ctype.NewBTFConverter()
	var err error
	if s.Key, err = conv.Convert(m.Key); err != nil {
		return nil, fmt.Errorf("map %s: BTF for the key type %s: %w", m.Name, m.Key, err)
	}
	if s.Value, err = conv.Convert(m.Value); err != nil {
		return nil, fmt.Errorf("map %s: BTF for the value type %s: %w", m.Name, m.Value, err)
	}
	return s, nil
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
