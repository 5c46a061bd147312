package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/sym"
	"github.com/luabpf/luabpf/internal/tracefs"
	"github.com/luabpf/luabpf/proto"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// eventPrefix names the tracefs events cilium/ebpf creates for our
// probes when the kernel has no perf PMU for them: "luabpf_<pid>" groups
// tell the events of each luabpf process apart.
var eventPrefix = fmt.Sprintf("luabpf_%d", os.Getpid())

// probe is what bpf.tracepoint, bpf.kprobe and bpf.uprobe return: the
// attach point, to which probe:bpf(fn) attaches (another) function.
type probe struct {
	what   string // "tracepoint sched/sched_switch", for messages
	kind   *proto.Kind
	opts   value.CompileOptions
	attach func(*ebpf.Program) (link.Link, error)
}

// tracepoint implements bpf.tracepoint(path [, fn, pid, cpu, group_fd]):
// fn's parameter is the tracepoint's record, typed from its format file.
// Without fn the probe is returned for probe:bpf(fn). The kernel runs
// tracepoint programs on every CPU for every process, so pid, cpu and
// group_fd, which the original passed to perf_event_open, change nothing.
func (r *Runtime) tracepoint(L *lua.LState) int {
	path := L.CheckString(1)
	if _, err := tracefs.Mount(); err != nil {
		L.RaiseError("bpf.tracepoint needs tracefs: %v", err)
	}
	text, err := tracefs.ReadFormat(path)
	if err != nil {
		L.RaiseError("%v", err)
	}
	tp, err := proto.ParseFormat(path, text, ctype.HostArch())
	if err != nil {
		L.RaiseError("%v", err)
	}
	category, name, _ := strings.Cut(path, "/")
	p := &probe{
		what: "tracepoint " + path,
		kind: proto.Tracepoint,
		opts: value.CompileOptions{Tracepoint: tp, Section: proto.Tracepoint.Section + path},
		attach: func(prog *ebpf.Program) (link.Link, error) {
			return link.Tracepoint(category, name, prog, nil)
		},
	}
	return r.probeResult(L, p, 2)
}

// kprobe implements bpf.kprobe('name:function', fn [, retprobe, pid, cpu,
// group_fd]): fn runs at the kernel function's entry, or at its return
// when retprobe is true, with the registers as its parameter. The name
// before the colon names the probe in the original; luabpf lets
// cilium/ebpf name it. A kprobe fires for every process on every CPU:
// pid, cpu and group_fd change nothing.
func (r *Runtime) kprobe(L *lua.LState) int {
	spec := L.CheckString(1)
	fn := spec
	if _, f, ok := strings.Cut(spec, ":"); ok {
		fn = f
	}
	if fn == "" {
		L.ArgError(1, "expected 'name:function', as in 'myprobe:do_sys_open'")
	}
	ret := L.ToBool(3)
	p := &probe{what: probeName(proto.Kprobe, ret) + " on " + fn, kind: proto.Kprobe, opts: value.CompileOptions{Section: section(proto.Kprobe, ret) + fn}}
	p.attach = func(prog *ebpf.Program) (link.Link, error) {
		opts := &link.KprobeOptions{TraceFSPrefix: eventPrefix}
		if ret {
			return link.Kretprobe(fn, prog, opts)
		}
		return link.Kprobe(fn, prog, opts)
	}
	return r.probeResult(L, p, 2)
}

// uprobe implements bpf.uprobe('binary:function', fn [, retprobe, pid,
// cpu, group_fd]): fn runs at the function's entry, or its return when
// retprobe is true, in every process running the binary, or only in
// process pid when pid > 0. The binary is a path, a library name found as
// the dynamic loader would (c:malloc, libc.so.6:malloc) or a program on
// PATH; the function a symbol, symbol+offset or an address.
func (r *Runtime) uprobe(L *lua.LState) int {
	spec := L.CheckString(1)
	ret := L.ToBool(3)
	pid := L.OptInt(4, -1)
	t, err := sym.ResolveUprobe(spec, pid)
	if err != nil {
		L.RaiseError("%v", err)
	}
	at := t.Symbol
	if at == "" {
		at = fmt.Sprintf("0x%x", t.Address)
	}
	p := &probe{what: probeName(proto.Uprobe, ret) + " on " + spec, kind: proto.Uprobe, opts: value.CompileOptions{Section: section(proto.Uprobe, ret) + t.Path + ":" + at}}
	p.attach = func(prog *ebpf.Program) (link.Link, error) {
		ex, err := link.OpenExecutable(t.Path)
		if err != nil {
			return nil, err
		}
		opts := &link.UprobeOptions{Address: t.Address, Offset: t.Offset, TraceFSPrefix: eventPrefix}
		if pid > 0 {
			opts.PID = pid
		}
		if ret {
			return ex.Uretprobe(t.Symbol, prog, opts)
		}
		return ex.Uprobe(t.Symbol, prog, opts)
	}
	return r.probeResult(L, p, 2)
}

// section is the ELF section of a kind's entry or return probes.
func section(k *proto.Kind, ret bool) string {
	if ret && k.RetSection != "" {
		return k.RetSection
	}
	return k.Section
}

// probeName names a kind's entry or return probes for messages:
// "kprobe", "kretprobe".
func probeName(k *proto.Kind, ret bool) string {
	return strings.TrimSuffix(section(k, ret), "/")
}

// probeResult attaches the function at argument n, if there is one, and
// returns the probe.
func (r *Runtime) probeResult(L *lua.LState, p *probe, n int) int {
	if L.GetTop() >= n && L.Get(n) != lua.LNil {
		r.attachProbe(L, p, n)
	}
	ud := L.NewUserData()
	ud.Value = p
	L.SetMetatable(ud, r.probeMeta())
	L.Push(ud)
	return 1
}

// attachProbe compiles (or takes) the program at argument n, loads it
// and attaches it to p, raising on failure.
func (r *Runtime) attachProbe(L *lua.LState, p *probe, n int) *Program {
	prog := r.programArg(L, n, p.kind, &p.opts)
	if r.compiling() {
		r.comp.attached(prog, p.what)
		return prog
	}
	ep, err := prog.load()
	if err != nil {
		r.raise(err)
	}
	l, err := p.attach(ep)
	if err != nil {
		L.RaiseError("%s", attachError(p, err))
	}
	r.track(l)
	return prog
}

// attachError says why attaching failed, in terms a user can act on.
func attachError(p *probe, err error) string {
	switch {
	case p.kind == proto.Kprobe && (errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, os.ErrNotExist) && !kprobesAvailable()):
		return "kprobes are unavailable in this kernel (it was built without CONFIG_KPROBES)"
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("attach %s: no such function or event", p.what)
	case errors.Is(err, os.ErrPermission) && p.kind == proto.Uprobe:
		// The kernel's uprobe PMU asks for CAP_SYS_ADMIN, not CAP_PERFMON.
		return fmt.Sprintf("attach %s: permission denied (uprobes need root, or CAP_SYS_ADMIN besides CAP_BPF and CAP_PERFMON)", p.what)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("attach %s: permission denied (tracing needs root, or CAP_BPF and CAP_PERFMON)", p.what)
	}
	return fmt.Sprintf("attach %s: %v", p.what, err)
}

// kprobesAvailable reports whether the kernel can place kprobes at all:
// it has the kprobe PMU or tracefs kprobe_events.
func kprobesAvailable() bool {
	if _, err := os.Stat("/sys/bus/event_source/devices/kprobe"); err == nil {
		return true
	}
	dir, err := tracefs.Find()
	if err != nil {
		return false
	}
	_, err = os.Stat(dir + "/kprobe_events")
	return err == nil
}

// probeMeta is the metatable of probes: probe:bpf(fn) attaches fn.
func (r *Runtime) probeMeta() *lua.LTable {
	L := r.L
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), "luabpf.probe").(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	methods := L.NewTable()
	methods.RawSetString("bpf", L.NewFunction(func(L *lua.LState) int {
		ud, ok := L.Get(1).(*lua.LUserData)
		p, _ := ud.Value.(*probe)
		if !ok || p == nil {
			L.ArgError(1, "expected a probe made by bpf.tracepoint, bpf.kprobe or bpf.uprobe")
		}
		L.Push(r.wrapProgram(r.attachProbe(L, p, 2)))
		return 1
	}))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		p, _ := L.CheckUserData(1).Value.(*probe)
		L.Push(lua.LString("bpf " + p.what))
		return 1
	}))
	L.SetField(L.Get(lua.RegistryIndex), "luabpf.probe", mt)
	return mt
}

// tracelog implements bpf.tracelog([path]): a reader of trace_pipe, where
// print() in kernel code writes; log:read() returns the next line.
func (r *Runtime) tracelog(L *lua.LState) int {
	path := L.OptString(1, "")
	if r.compiling() {
		return r.waitStop(L, "bpf.tracelog")
	}
	if path == "" {
		if _, err := tracefs.Mount(); err != nil {
			L.RaiseError("bpf.tracelog needs tracefs: %v", err)
		}
	}
	pipe, err := tracefs.OpenPipe(path)
	if errors.Is(err, os.ErrPermission) {
		L.RaiseError("bpf.tracelog: reading the trace log needs root (%v)", err)
	}
	if err != nil {
		L.RaiseError("open the trace log: %v", err)
	}
	r.track(pipe)
	t := L.NewTable()
	read := L.NewFunction(func(L *lua.LState) int {
		// r.vm's own AfterFunc runs on a stop only; an interrupt must end
		// the wait too, so the read gets a context that ends on either.
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-r.vm.Done(): // an interrupt or a stop
				cancel()
			case <-ctx.Done():
			}
		}()
		line, err := pipe.ReadLine(ctx)
		cancel()
		if err != nil {
			// An interrupt or a stop ended the wait: Err takes it on the
			// VM's goroutine, where it is raised.
			if verr := r.vm.Err(); verr != nil {
				L.RaiseError("%s", verr)
			}
		}
		switch {
		case err == nil:
			L.Push(lua.LString(line))
		case errors.Is(err, os.ErrClosed):
			L.Push(lua.LNil)
		default:
			L.Push(lua.LNil)
			L.Push(lua.LString(err.Error()))
			return 2
		}
		return 1
	})
	t.RawSetString("read", read)
	// log:lines(), as on the file the original's tracelog returned: an
	// iterator of the lines, for line in log:lines() do ... end.
	t.RawSetString("lines", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.NewFunction(func(L *lua.LState) int {
			L.Push(read)
			L.Call(0, 1)
			return 1
		}))
		return 1
	}))
	t.RawSetString("close", L.NewFunction(func(L *lua.LState) int {
		pipe.Close()
		return 0
	}))
	L.Push(t)
	return 1
}

// ksym implements bpf.ksym(addr): the kernel symbol at addr, as
// "name+0xoff", or "name" at the symbol's start (as stack frames read
// from a stack_trace map are).
func (r *Runtime) ksym(L *lua.LState) int {
	L.Push(lua.LString(strings.TrimSuffix(sym.Ksym(r.addressArg(L, 1)), "+0x0")))
	return 1
}

// usym implements bpf.usym(pid, addr): the symbol of process pid at addr,
// spelled as ksym spells kernel ones.
func (r *Runtime) usym(L *lua.LState) int {
	pid := L.CheckInt(1)
	L.Push(lua.LString(strings.TrimSuffix(sym.Usym(pid, r.addressArg(L, 2)), "+0x0")))
	return 1
}

// addressArg reads an address: a number or a 64-bit integer cdata.
func (r *Runtime) addressArg(L *lua.LState, n int) uint64 {
	v := L.Get(n)
	if c, ok := ffiInt(v); ok {
		return uint64(c)
	}
	return uint64(int64(L.CheckNumber(n)))
}

// ffiInt reads an integer cdata.
func ffiInt(v lua.LValue) (int64, bool) {
	c, ok := ffi.CDataOf(v)
	if !ok || !c.Type.IsInteger() {
		return 0, false
	}
	return cdataInt(c)
}
