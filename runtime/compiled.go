package runtime

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/elfobj"
	lua "github.com/yuin/gopher-lua"
)

// Compiled is what a Compile-mode run recorded: the programs the script
// compiled with where it attaches them, and the maps they use, named as
// the object file names them.
type Compiled struct {
	// Programs are in the order the script compiled them: each function
	// attached by bpf.socket, bpf.tracepoint, bpf.kprobe or bpf.uprobe
	// (once per attach point that needs its own compilation), and each
	// bpf(fn) the script attaches nowhere.
	Programs []CompiledProgram
	// Maps are the maps the programs use, in order of first use.
	Maps []CompiledMap
	// Stop is where the run stopped: the first call that would wait for
	// events ("sock-proto.lua:36: syscall.sleep"), or "" when the script
	// ran to its end.
	Stop string
	// License is the license the programs are compiled under.
	License string
}

// CompiledProgram is one compiled function.
type CompiledProgram struct {
	// Name is the program's symbol: the Lua function's name ("fn_27"
	// for an anonymous function on line 27), with _2, _3... when several
	// programs would share it.
	Name string
	// Section is its ELF section, which tells loaders its type and
	// attach point ("socket", "tracepoint/sched/sched_switch").
	Section string
	// Attach lists what the script attaches it to ("interface lo",
	// "tracepoint syscalls/sys_enter_getpid"); empty for a bpf(fn) the
	// script attaches nowhere.
	Attach  []string
	Program *value.Program
}

// CompiledMap is one map the programs use.
type CompiledMap struct {
	// Name is the map's symbol: the Lua name the first program using it
	// reaches it by (an upvalue or global, "maps_counts" for a field of
	// a table), with _2, _3... when several maps would share it; the
	// runtime's own name ("map1") when it has none.
	Name string
	Map  *value.Map
	// Wrote is where the script first stored into the map ("file.lua:25"),
	// or "". Written counts the entries it stored that a new kernel map
	// lacks (every entry of a hash map, non-zero values of an array):
	// an object has no place for them, so the map a loader creates from
	// it starts without them.
	Wrote   string
	Written int
}

// Compiled returns what a Compile-mode run recorded. It is an error
// when the runtime is not in Compile mode or the script compiled no
// kernel function.
func (r *Runtime) Compiled() (*Compiled, error) {
	if !r.compiling() {
		return nil, errors.New("the runtime is not in Compile mode")
	}
	c := &Compiled{Stop: r.comp.stop, License: "GPL"}
	used := map[string]bool{"_license": true} // elfobj's symbol for the license
	unique := func(name, fallback string) string {
		name = cName(name, fallback)
		out := name
		for i := 2; used[out]; i++ {
			out = fmt.Sprintf("%s_%d", name, i)
		}
		used[out] = true
		return out
	}
	// A bpf(fn) the script attaches nowhere is left out when fn was
	// compiled again to be attached.
	attachedFns := map[*lua.LFunction]bool{}
	for _, cp := range r.comp.progs {
		if !cp.alone {
			attachedFns[cp.p.fn] = true
		}
	}
	var progs []*compiledProg
	for _, cp := range r.comp.progs {
		if cp.alone && attachedFns[cp.p.fn] {
			continue
		}
		progs = append(progs, cp)
		c.Programs = append(c.Programs, CompiledProgram{
			Name:    unique(cp.p.comp.Name, "prog"),
			Section: cp.p.comp.Spec.SectionName,
			Attach:  append([]string(nil), cp.attach...),
			Program: cp.p.comp,
		})
		if l := cp.p.comp.Spec.License; l != "" {
			c.License = l
		}
	}
	if len(progs) == 0 {
		return nil, errors.New("the script compiles no kernel function before it ends or waits; " +
			"write bpf(fn), bpf.socket(iface, fn), bpf.tracepoint(path, fn), bpf.kprobe or bpf.uprobe before the first syscall.sleep")
	}
	seen := map[*value.Map]bool{}
	for _, cp := range progs {
		for _, d := range cp.p.comp.Maps {
			if seen[d] {
				continue
			}
			seen[d] = true
			cm := CompiledMap{Name: unique(cp.p.mapNames[d], d.Name), Map: d}
			if m := r.maps[d.Name]; m != nil && m.mem != nil {
				cm.Wrote, cm.Written = m.wrote, m.mem.written()
			}
			c.Maps = append(c.Maps, cm)
		}
	}
	return c, nil
}

// cName makes name a C identifier, which symbols must be: other
// characters become '_'; fallback is used for an empty name.
func cName(name, fallback string) string {
	if name == "" {
		name = fallback
	}
	b := []byte(name)
	for i, c := range b {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Object returns the ELF object of the compiled programs and their maps,
// as `luabpf compile` writes it: a section per program named for its
// kind and attach point, the maps as BTF-defined maps in .maps with their
// key and value types, BTF func and line info naming the Lua source, and
// the license. Maps whose kernel size depends on the machine (one entry
// per CPU) get max_entries 0, which loaders fill in.
func (c *Compiled) Object() ([]byte, error) {
	obj := &elfobj.Object{License: c.License}
	rename := map[string]string{}
	for _, cm := range c.Maps {
		rename[cm.Map.Name] = cm.Name
		spec, err := cm.Map.Spec()
		if err != nil {
			return nil, err
		}
		m := elfobj.Map{
			Name: cm.Name, Type: spec.Type, Key: spec.Key, Value: spec.Value,
			MaxEntries: spec.MaxEntries, Flags: spec.Flags,
		}
		if m.Key == nil {
			m.KeySize = spec.KeySize
		}
		if m.Value == nil {
			m.ValueSize = spec.ValueSize
		}
		if cm.Map.Type.PerCPUEntries {
			m.MaxEntries = 0
		}
		obj.Maps = append(obj.Maps, m)
	}
	for _, cp := range c.Programs {
		insns := slices.Clone(cp.Program.Spec.Instructions)
		for i := range insns {
			if insns[i].IsLoadFromMap() {
				if name, ok := rename[insns[i].Reference()]; ok {
					insns[i] = insns[i].WithReference(name)
				}
			}
		}
		if len(insns) > 0 {
			insns[0] = insns[0].WithSymbol(cp.Name)
		}
		var ctx btf.Type
		if k := cp.Program.Kind; k.CtxBTF != "" {
			ctx = &btf.Fwd{Name: k.CtxBTF}
		}
		obj.Programs = append(obj.Programs, elfobj.Program{Name: cp.Name, Section: cp.Section, Insns: insns, Context: ctx})
	}
	b, err := elfobj.Bytes(obj)
	if err != nil {
		return nil, fmt.Errorf("write the object: %w", err)
	}
	return b, nil
}

// Summary describes the object in a few lines, for `luabpf compile -v`.
func (c *Compiled) Summary() string {
	var b strings.Builder
	for _, p := range c.Programs {
		fmt.Fprintf(&b, "program %s: %s, section %s", p.Name, p.Program.Kind.Name, p.Section)
		if len(p.Attach) > 0 {
			fmt.Fprintf(&b, " (the script attaches it to %s)", strings.Join(p.Attach, ", "))
		}
		b.WriteByte('\n')
	}
	for _, m := range c.Maps {
		d := m.Map
		fmt.Fprintf(&b, "map %s: %s", m.Name, d.Type.Name)
		if d.Key != nil && d.Value != nil {
			fmt.Fprintf(&b, ", %s -> %s", d.Key, d.Value)
		}
		fmt.Fprintf(&b, ", %d entries\n", d.MaxEntries)
	}
	if c.Stop != "" {
		fmt.Fprintf(&b, "stopped at %s\n", c.Stop)
	}
	return b.String()
}

// Notes are warnings about what the object cannot carry: entries the
// script stored into maps, which loaders do not find in it.
func (c *Compiled) Notes() []string {
	var out []string
	for _, m := range c.Maps {
		if m.Written == 0 {
			continue
		}
		s := "entries"
		if m.Written == 1 {
			s = "entry"
		}
		out = append(out, fmt.Sprintf("%s: the script stores %d %s into map '%s' before it waits, which an object cannot carry: "+
			"a map created from the object starts without them, so write them after loading it (bpftool map update, or your loader)",
			m.Wrote, m.Written, s, m.Name))
	}
	return out
}
