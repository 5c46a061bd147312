package runtime

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
)

// bpfModule builds the `bpf` module: callable (bpf(fn) compiles fn), with
// map, socket, dump, dump_string, ntoh and hton.
func (r *Runtime) bpfModule() *lua.LTable {
	L := r.L
	t := L.NewTable()
	for _, f := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{"map", r.newMap},
		{"socket", r.socket},
		{"xdp", r.xdp},
		{"tc", r.tc},
		{"dump", r.dump},
		{"dump_string", r.dumpString},
		{"ntoh", r.ntoh},
		{"hton", r.ntoh},
		{"tracepoint", r.tracepoint},
		{"kprobe", r.kprobe},
		{"uprobe", r.uprobe},
		{"tracelog", r.tracelog},
		{"ksym", r.ksym},
		{"usym", r.usym},
	} {
		t.RawSetString(f.name, L.NewFunction(f.fn))
	}
	mt := L.NewTable()
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		// Argument 1 is the module itself: count the script's from 1.
		fn, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			L.RaiseError("bpf(fn) compiles a Lua function for the kernel; this is a %s", L.Get(2).Type())
		}
		p, err := r.compile(fn, proto.SocketFilter, nil)
		if err != nil {
			return r.raise(err)
		}
		if r.compiling() {
			r.comp.record(p)
		}
		L.Push(r.wrapProgram(p))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t
}

// programArg returns argument n as a program: a program object, or a
// function compiled now as kind with the attach point's options.
func (r *Runtime) programArg(L *lua.LState, n int, kind *proto.Kind, opts *value.CompileOptions) *Program {
	switch v := L.Get(n).(type) {
	case *lua.LFunction:
		p, err := r.compile(v, kind, opts)
		if err != nil {
			r.raise(err)
		}
		return p
	case *lua.LTable:
		if p, ok := r.programOf(v); ok {
			if p.comp.Kind == kind && opts == nil {
				return p
			}
			// bpf(fn) compiled it as another kind, or without the attach
			// point's context: compile it again.
			q, err := r.compile(p.fn, kind, opts)
			if err != nil {
				r.raise(err)
			}
			return q
		}
	}
	L.ArgError(n, "expected a kernel function or a program made by bpf(fn)")
	return nil
}

// socket implements bpf.socket(iface | fd, fn | prog): load the program
// as a socket filter and attach it to a new packet socket on iface (or
// to the socket with descriptor fd). As in the original, it raises when
// the interface does not exist or the socket cannot be opened, bound or
// given the filter, and returns nil and a message when the first
// argument is neither a name nor a descriptor (a function there, the
// arguments swapped, raises).
func (r *Runtime) socket(L *lua.LState) int {
	target := L.Get(1)
	switch target.(type) {
	case lua.LString, lua.LNumber:
	case *lua.LFunction:
		L.ArgError(1, "expected an interface name or a socket descriptor, as in bpf.socket('lo', fn) (are the arguments swapped?)")
	default:
		L.Push(lua.LNil)
		L.Push(lua.LString(fmt.Sprintf("bpf.socket needs an interface name or a socket descriptor number, not %s", target.Type())))
		return 2
	}
	if r.compiling() {
		p := r.programArg(L, 2, proto.SocketFilter, nil)
		what := fmt.Sprintf("socket descriptor %d", int(lua.LVAsNumber(target)))
		if name, ok := target.(lua.LString); ok {
			what = "interface " + string(name)
		}
		r.comp.attached(p, what)
		L.Push(r.wrapProgram(p))
		return 1
	}
	ifindex := 0
	if name, ok := target.(lua.LString); ok {
		var err error
		if ifindex, err = interfaceIndex(string(name)); err != nil {
			L.RaiseError("bpf.socket: %v", err)
		}
	}
	p := r.programArg(L, 2, proto.SocketFilter, nil)
	prog, err := p.load()
	if err != nil {
		return r.raise(err)
	}
	switch v := target.(type) {
	case lua.LString:
		s, err := openPacketSocket(ifindex, string(v), prog)
		if err != nil {
			L.RaiseError("bpf.socket: %v", err)
		}
		r.track(s)
	case lua.LNumber:
		c := fdConn(int(v))
		if err := link.AttachSocketFilter(c, prog); err != nil {
			L.RaiseError("bpf.socket: cannot attach the filter to descriptor %d: %s", int(v), errnoText(err))
		}
		r.track(closerFunc(func() error { return link.DetachSocketFilter(c) }))
	}
	L.Push(r.wrapProgram(p))
	return 1
}

// closerFunc adapts a function to io.Closer.
type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// dump implements bpf.dump(prog): print the disassembly. Like the
// original it does nothing for nil (what a failed bpf(fn) gave there).
func (r *Runtime) dump(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		return 0
	}
	p := r.checkProgram(L, 1)
	r.opts.Stdout.Write([]byte(p.comp.Dump()))
	return 0
}

func (r *Runtime) dumpString(L *lua.LState) int {
	text := r.checkProgram(L, 1).comp.Dump()
	if lua.LVAsBool(L.Get(3)) {
		// The original's third argument, hide_counter: no instruction
		// numbers. (Its second skipped its own compiler's first
		// instruction, a prologue luabpf does not emit; it is ignored.)
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			t := strings.TrimLeft(l, " ")
			if rest := strings.TrimLeft(t, "0123456789"); len(rest) < len(t) && strings.HasPrefix(rest, ": ") {
				lines[i] = rest[2:]
			}
		}
		text = strings.Join(lines, "\n")
	}
	L.Push(lua.LString(text))
	return 1
}

// ntoh implements bpf.ntoh(x [, bits]) and bpf.hton in userspace: a byte
// swap of the low bits (32 by default, 64 for 64-bit cdata).
func (r *Runtime) ntoh(L *lua.LState) int {
	bits := L.OptInt(2, 0)
	switch bits {
	case 0, 8, 16, 32, 64:
	default:
		L.ArgError(2, fmt.Sprintf("the width must be 8, 16, 32 or 64 bits, not %d", bits))
	}
	x := L.Get(1)
	if bits == 0 {
		bit := L.GetGlobal("bit").(*lua.LTable)
		L.Push(bit.RawGetString("bswap"))
		L.Push(x)
		L.Call(1, 1)
		return 1
	}
	v := uint64(int64(L.CheckNumber(1)))
	var out uint64
	for i := 0; i < bits/8; i++ {
		out = out<<8 | (v>>(8*i))&0xff
	}
	L.Push(lua.LNumber(out))
	return 1
}
