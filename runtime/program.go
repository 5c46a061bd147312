package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
)

// Program is a compiled kernel function (what bpf(fn) returns), loaded
// into the kernel when first attached.
type Program struct {
	r    *Runtime
	fn   *lua.LFunction
	comp *value.Program
	prog *ebpf.Program
	// mapNames are the Lua names the function reaches its maps by.
	mapNames map[*value.Map]string
	// tab is the Lua object bpf(fn) returned for it (see wrapProgram).
	tab *lua.LTable
}

// Close unloads the program.
func (p *Program) Close() error {
	if p.prog == nil {
		return nil
	}
	return p.prog.Close()
}

// compile compiles fn as a program of the given kind; base, when not nil,
// gives the attach point's options (a tracepoint's format, the section).
func (r *Runtime) compile(fn *lua.LFunction, kind *proto.Kind, base *value.CompileOptions) (*Program, error) {
	if fn.IsG {
		return nil, errors.New("bpf() needs a Lua function, not a Go builtin")
	}
	p := fn.Proto
	file := r.files[p.SourceName]
	if file == nil {
		return nil, fmt.Errorf("kernel functions must be written in the script itself; %s:%d is not in a file luabpf parsed", p.SourceName, p.LineDefined)
	}
	opts := &value.CompileOptions{}
	if base != nil {
		*opts = *base
	}
	e := &env{r: r, fn: fn, names: map[*value.Map]string{}}
	opts.Kind, opts.Env = kind, e
	var dumps []func(string)
	if r.opts.Dump != nil {
		// The function's name is known once it is compiled.
		opts.Dump = func(stage, text string) {
			dumps = append(dumps, func(name string) { r.opts.Dump(name, stage, text) })
		}
	}
	comp, err := file.Compile(p.LineDefined, p.LastLineDefined, opts)
	if err != nil {
		return nil, err
	}
	prog := &Program{r: r, fn: fn, comp: comp, mapNames: e.names}
	r.progs = append(r.progs, prog)
	if r.opts.Dump != nil {
		for _, d := range dumps {
			d(comp.Name)
		}
		r.opts.Dump(comp.Name, "asm", comp.Dump())
	}
	return prog, nil
}

// load loads the program into the kernel, once, binding its map
// references to the script's maps.
func (p *Program) load() (*ebpf.Program, error) { return p.loadAs(p.comp.Kind.Program) }

// loadAs is load with the program type given: tests load programs as a
// type they were not compiled for to see the verifier reject them.
func (p *Program) loadAs(t ebpf.ProgramType) (*ebpf.Program, error) {
	if p.prog != nil {
		return p.prog, nil
	}
	spec, err := p.comp.KernelSpec()
	if err != nil {
		return nil, err
	}
	spec.Type = t
	for _, d := range p.comp.Maps {
		m, err := p.r.kernelMap(d)
		if err != nil {
			return nil, err
		}
		if err := spec.Instructions.AssociateMap(d.Name, m); err != nil {
			return nil, fmt.Errorf("bind map %s: %w", d.Name, err)
		}
	}
	// Without a verifier log: writing it doubles the time the kernel takes
	// to load an accepted program (BenchmarkLoadProgram), and when the
	// verifier rejects one, cilium/ebpf loads it again with the log
	// (LogLevelBranch) that verifierError reads.
	prog, err := ebpf.NewProgram(spec)
	if err != nil {
		return nil, p.verifierError(err)
	}
	p.prog = prog
	p.r.track(p)
	return prog, nil
}

// insnIndex reads the instruction index of a line of the verifier's log
// that shows an instruction ("12: (85) call bpf_ktime_get_ns#5"). It is
// parsed by hand: the regexp package's init, and the Unicode tables it
// links, cost every run's start-up more than luabpf's own init.
func insnIndex(l string) (int, bool) {
	i := 0
	for i < len(l) && '0' <= l[i] && l[i] <= '9' {
		i++
	}
	if i == 0 || !strings.HasPrefix(l[i:], ": (") {
		return 0, false
	}
	n, err := strconv.Atoi(l[:i])
	return n, err == nil
}

// verifierError turns a load failure into an error at the Lua line of the
// instruction the verifier stopped at, with the verifier's own reason.
func (p *Program) verifierError(err error) error {
	var ve *ebpf.VerifierError
	if !errors.As(err, &ve) {
		return progLoadError(p.comp.Spec, p.comp.Kind, err)
	}
	idx := -1
	for i := len(ve.Log) - 1; i >= 0 && idx < 0; i-- {
		if n, ok := insnIndex(ve.Log[i]); ok {
			idx = n
		}
	}
	reason := lastMeaningful(ve.Log)
	pos := source.Pos{File: p.fn.Proto.SourceName, Line: p.fn.Proto.LineDefined}
	text := ""
	if l := p.comp.Line(idx); l != nil {
		pos, text = l.Pos, l.Text
	}
	msg := fmt.Sprintf("the kernel verifier rejected this code (instruction %d): %s", idx, reason)
	if strings.Contains(reason, "bpf_trace_printk") {
		// Only a process without CAP_PERFMON lacks the helper.
		msg += "; print in kernel code needs CAP_PERFMON (or root)"
	}
	if !p.r.opts.VerifierLog {
		msg += " (run with LUABPF_VERIFIER_LOG=1 for the whole log)"
	}
	e := &source.CompileError{Pos: pos, Msg: msg, Line: text}
	if p.r.opts.VerifierLog {
		e.Extra = "verifier log:\n" + strings.Join(ve.Log, "\n") + "\nprogram:\n" + p.comp.Dump()
	}
	return e
}

// lastMeaningful returns the verifier's last line that explains the
// failure, skipping its statistics lines.
func lastMeaningful(log []string) string {
	for i := len(log) - 1; i >= 0; i-- {
		l := strings.TrimSpace(log[i])
		if l == "" || strings.HasPrefix(l, "processed ") || strings.HasPrefix(l, "verification time") ||
			strings.HasPrefix(l, "stack depth") {
			continue
		}
		if _, ok := insnIndex(l); ok {
			continue
		}
		return l
	}
	return "no reason given"
}

// programMeta is the metatable of program objects: prog.pc (set in the
// table) is the length in instruction slots, as in the original;
// prog.fd is the kernel's descriptor once loaded.
func (r *Runtime) programMeta() *lua.LTable {
	L := r.L
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), "luabpf.program").(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		p := r.checkProgram(L, 1)
		switch L.CheckString(2) {
		case "fd":
			if p.prog == nil {
				L.Push(lua.LNil)
			} else {
				L.Push(lua.LNumber(p.prog.FD()))
			}
		case "insn":
			L.Push(r.programInsns(L, p))
		default:
			L.Push(lua.LNil)
		}
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		p := r.checkProgram(L, 1)
		L.Push(lua.LString(fmt.Sprintf("bpf program<%s, %d instructions>", p.comp.Spec.Name, p.comp.Slots())))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LString("bpf program"))
	L.SetField(L.Get(lua.RegistryIndex), "luabpf.program", mt)
	return mt
}

// programInsns is prog.insn, as the original's programs have it: the
// instructions as a cdata array of struct bpf_insn, indexed from 0 to
// prog.pc - 1 (code, dst_reg, src_reg, off, imm). The script's own
// struct bpf_insn is used when it declared one (the original's spec
// helper does), a struct of that layout otherwise. Map references read
// as 0 until the program is loaded: the kernel's descriptors are not in
// the compiled code. A copy: writing to it changes nothing.
func (r *Runtime) programInsns(L *lua.LState, p *Program) lua.LValue {
	buf := bytes.NewBuffer(nil)
	var order binary.ByteOrder = binary.LittleEndian // cilium/ebpf takes these two only
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		order = binary.BigEndian
	}
	if err := p.comp.Spec.Instructions.Marshal(buf, order); err != nil {
		L.RaiseError("prog.insn: %v", err)
	}
	elem, ok := r.reg.Lookup("struct bpf_insn")
	if !ok || elem.Size != 8 {
		elem = r.reg.MustParse("struct { uint8_t code; uint8_t dst_reg:4; uint8_t src_reg:4; int16_t off; int32_t imm; }")
	}
	t, err := r.reg.Parse(fmt.Sprintf("$ [%d]", buf.Len()/8), elem)
	if err != nil {
		L.RaiseError("prog.insn: %v", err)
	}
	return r.ffi.WrapMem(L, t, buf.Bytes())
}

// wrapProgram returns p's Lua object, the same one each time: a table,
// as the original's compiled programs are (type(prog) == 'table'),
// holding pc and name.
func (r *Runtime) wrapProgram(p *Program) *lua.LTable {
	if p.tab != nil {
		return p.tab
	}
	t := r.L.NewTable()
	t.RawSetString("pc", lua.LNumber(p.comp.Slots()))
	t.RawSetString("name", lua.LString(p.comp.Spec.Name))
	r.L.SetMetatable(t, r.programMeta())
	p.tab = t
	r.progTabs[t] = p
	return t
}

// programOf returns the program whose object v is.
func (r *Runtime) programOf(v lua.LValue) (*Program, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	p, ok := r.progTabs[t]
	return p, ok
}

func (r *Runtime) checkProgram(L *lua.LState, n int) *Program {
	if p, ok := r.programOf(L.Get(n)); ok {
		return p
	}
	L.ArgError(n, "expected a program made by bpf(fn)")
	return nil
}
