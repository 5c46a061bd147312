package runtime

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	lua "github.com/yuin/gopher-lua"
)

// Program returns the program held by the script's global name (set by
// e.g. `prog = bpf(function (skb) ... end)`).
func (r *Runtime) Program(name string) (*Program, error) {
	if p, ok := r.programOf(r.L.GetGlobal(name)); ok {
		return p, nil
	}
	return nil, fmt.Errorf("global %q is not a program made by bpf(fn)", name)
}

// Programs returns the programs the script compiled so far (with bpf(fn),
// bpf.socket(iface, fn) and the like), in the order it compiled them,
// whether or not it kept them in a variable.
func (r *Runtime) Programs() []*Program { return append([]*Program(nil), r.progs...) }

// Maps returns the script's maps the program uses, in the order its code
// refers to them.
func (p *Program) Maps() []*Map {
	out := make([]*Map, 0, len(p.comp.Maps))
	for _, d := range p.comp.Maps {
		if m := p.r.maps[d.Name]; m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Map returns the map held by the script's global name.
func (r *Runtime) Map(name string) (*Map, error) {
	if ud, ok := r.L.GetGlobal(name).(*lua.LUserData); ok {
		if m, ok := ud.Value.(*Map); ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("global %q is not a map made by bpf.map", name)
}

// Load loads the program into the kernel (once; later calls return the
// same program), checking that it was compiled for program type t. The
// Runtime closes it.
func (p *Program) Load(t ebpf.ProgramType) (*ebpf.Program, error) {
	if t != p.comp.Kind.Program {
		return nil, fmt.Errorf("%s was compiled as %s, not as %v", p.comp.Spec.Name, p.comp.Kind.Noun, t)
	}
	return p.load()
}

// Instructions returns the compiled instructions.
func (p *Program) Instructions() asm.Instructions { return p.comp.Spec.Instructions }

// Slots returns the program's length in 8-byte instruction slots.
func (p *Program) Slots() int { return p.comp.Slots() }

// Dump returns the program's disassembly, as bpf.dump prints it.
func (p *Program) Dump() string { return p.comp.Dump() }

// EBPF returns the kernel map, creating it if the script has not used
// it yet; nil in Compile mode, where maps have no kernel object.
func (m *Map) EBPF() *ebpf.Map {
	if m.mem != nil {
		return nil
	}
	if _, err := m.create(); err != nil {
		return nil
	}
	return m.m
}

// Eval runs a Lua chunk in the script's state and returns its first
// result, converted with tostring.
func (r *Runtime) Eval(code string) (string, error) {
	if err := r.L.DoString("__luabpf_eval = tostring((function() " + code + " end)())"); err != nil {
		return "", err
	}
	return r.L.GetGlobal("__luabpf_eval").String(), nil
}
