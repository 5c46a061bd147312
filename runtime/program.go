package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/disasm"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/pipeline"
	"github.com/luabpf/luabpf/internal/source"
	lua "github.com/yuin/gopher-lua"
)

// Program is a compiled kernel function (what bpf(fn) returns), loaded
// into the kernel when first attached.
type Program struct {
	r    *Runtime
	fn   *lua.LFunction
	kind irgen.ProgKind
	res  *pipeline.Result
	file *source.File
	prog *ebpf.Program
}

// Close unloads the program.
func (p *Program) Close() error {
	if p.prog == nil {
		return nil
	}
	return p.prog.Close()
}

// compile compiles fn as a program of the given kind.
func (r *Runtime) compile(fn *lua.LFunction, kind irgen.ProgKind) (*Program, error) {
	if fn.IsG {
		return nil, errors.New("bpf() needs a Lua function, not a Go builtin")
	}
	p := fn.Proto
	file := r.files[p.SourceName]
	if file == nil {
		return nil, fmt.Errorf("kernel functions must be written in the script itself; %s:%d is not in a file luabpf parsed", p.SourceName, p.LineDefined)
	}
	f, err := pipeline.ResolveIn(file, p.LineDefined, p.LastLineDefined)
	if err != nil {
		return nil, err
	}
	opts := &pipeline.Options{Kind: kind, Env: &env{r: r, fn: fn}}
	if r.opts.Dump != nil {
		opts.Dump = func(stage, text string) { r.opts.Dump(f.Name, stage, text) }
	}
	res, err := pipeline.Compile(f, opts)
	if err != nil {
		return nil, err
	}
	prog := &Program{r: r, fn: fn, kind: kind, res: res, file: file.Src}
	if r.opts.Dump != nil {
		r.opts.Dump(f.Name, "asm", prog.dump())
	}
	return prog, nil
}

// load loads the program into the kernel as type t, once.
func (p *Program) load(t ebpf.ProgramType) (*ebpf.Program, error) {
	if p.prog != nil {
		return p.prog, nil
	}
	insns := append(asm.Instructions(nil), p.res.Insns...)
	for _, ref := range p.res.Maps {
		m := ref.Handle.(*Map)
		if err := insns.AssociateMap(ref.Name, m.m); err != nil {
			return nil, fmt.Errorf("bind map %s: %w", ref.Name, err)
		}
	}
	spec := &ebpf.ProgramSpec{Name: progName(p.res.Name), Type: t, Instructions: insns, License: "GPL"}
	prog, err := ebpf.NewProgramWithOptions(spec, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelBranch})
	if err != nil {
		return nil, p.verifierError(err)
	}
	p.prog = prog
	p.r.track(p)
	return prog, nil
}

// progName makes a kernel-acceptable program name (up to 15 characters of
// [A-Za-z0-9_.]).
func progName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	out := b.String()
	if len(out) > 15 {
		out = out[:15]
	}
	return out
}

var insnLine = regexp.MustCompile(`^(\d+): \(`)

// verifierError turns a load failure into an error at the Lua line of the
// instruction the verifier stopped at, with the verifier's own reason.
func (p *Program) verifierError(err error) error {
	var ve *ebpf.VerifierError
	if !errors.As(err, &ve) {
		return fmt.Errorf("load %s: %w", p.res.Name, err)
	}
	idx := -1
	for i := len(ve.Log) - 1; i >= 0 && idx < 0; i-- {
		if m := insnLine.FindStringSubmatch(ve.Log[i]); m != nil {
			idx, _ = strconv.Atoi(m[1])
		}
	}
	reason := lastMeaningful(ve.Log)
	line := 0
	if idx >= 0 {
		line = p.res.LineAt(idx)
	}
	if line == 0 {
		line = p.fn.Proto.LineDefined
	}
	msg := fmt.Sprintf("the kernel verifier rejected this code (instruction %d): %s", idx, reason)
	if !p.r.opts.VerifierLog {
		msg += " (run with LUABPF_VERIFIER_LOG=1 for the whole log)"
	}
	e := source.Errorf(p.file, line, "%s", msg)
	if p.r.opts.VerifierLog {
		e.Extra = "verifier log:\n" + strings.Join(ve.Log, "\n") + "\nprogram:\n" + p.dump()
	}
	return e
}

// lastMeaningful returns the verifier's last line that explains the
// failure, skipping its statistics lines.
func lastMeaningful(log []string) string {
	for i := len(log) - 1; i >= 0; i-- {
		l := strings.TrimSpace(log[i])
		if l == "" || strings.HasPrefix(l, "processed ") || strings.HasPrefix(l, "verification time") ||
			strings.HasPrefix(l, "stack depth") || insnLine.MatchString(l) {
			continue
		}
		return l
	}
	return "no reason given"
}

// dump renders the program as bpf.dump prints it, with the Lua line of
// each instruction where it changes.
func (p *Program) dump() string {
	last := -1
	return disasm.Format(p.res.Insns, &disasm.Options{Lines: func(i int) string {
		l := p.res.Lines[i]
		if l == last || l == 0 {
			return ""
		}
		last = l
		return fmt.Sprintf("%s:%d", p.file.Name, l)
	}})
}

// programMeta is the metatable of program userdata: prog.pc is the length
// in instruction slots, as in the original.
func (r *Runtime) programMeta() *lua.LTable {
	L := r.L
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), "luabpf.program").(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		p := checkProgram(L, 1)
		switch L.CheckString(2) {
		case "pc":
			L.Push(lua.LNumber(p.res.Slots()))
		case "name":
			L.Push(lua.LString(p.res.Name))
		case "fd":
			if p.prog == nil {
				L.Push(lua.LNil)
			} else {
				L.Push(lua.LNumber(p.prog.FD()))
			}
		default:
			L.Push(lua.LNil)
		}
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		p := checkProgram(L, 1)
		L.Push(lua.LString(fmt.Sprintf("bpf program<%s, %d instructions>", p.res.Name, p.res.Slots())))
		return 1
	}))
	L.SetField(L.Get(lua.RegistryIndex), "luabpf.program", mt)
	return mt
}

func (r *Runtime) wrapProgram(p *Program) *lua.LUserData {
	ud := r.L.NewUserData()
	ud.Value = p
	r.L.SetMetatable(ud, r.programMeta())
	return ud
}

func checkProgram(L *lua.LState, n int) *Program {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if p, ok := ud.Value.(*Program); ok {
			return p
		}
	}
	L.ArgError(n, "expected a program made by bpf(fn)")
	return nil
}
