package runtime

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// xdpModes are the modes bpf.xdp takes, as the kernel's attach flags:
// "" lets the kernel use the driver's XDP when it has one and the
// generic (socket buffer) one otherwise.
var xdpModes = map[string]link.XDPAttachFlags{
	"":        0,
	"auto":    0,
	"generic": link.XDPGenericMode,
	"skb":     link.XDPGenericMode,
	"native":  link.XDPDriverMode,
	"driver":  link.XDPDriverMode,
}

// xdp implements bpf.xdp(iface, fn | prog [, mode]): compile fn as an
// XDP program and attach it to interface iface through a BPF link, in
// mode 'generic', 'native' or (nil, the default) whichever the driver
// offers. It stays attached until the script ends. bpf.xdp(fn) only
// compiles fn, for bpf.dump or luabpf compile.
func (r *Runtime) xdp(L *lua.LState) int {
	if _, ok := L.Get(1).(*lua.LFunction); ok {
		return r.compileOnly(L, proto.XDP, nil)
	}
	iface := L.CheckString(1)
	mode := L.OptString(3, "")
	flags, ok := xdpModes[mode]
	if !ok {
		L.ArgError(3, fmt.Sprintf("expected an XDP mode, 'generic' or 'native' (or nil to let the kernel choose), not '%s'", mode))
	}
	what := "XDP on interface " + iface
	if mode != "" {
		what += " (" + mode + ")"
	}
	if r.compiling() {
		p := r.programArg(L, 2, proto.XDP, nil)
		r.comp.attached(p, what)
		L.Push(r.wrapProgram(p))
		return 1
	}
	ifindex, err := interfaceIndex(iface)
	if err != nil {
		L.RaiseError("bpf.xdp: %v", err)
	}
	p := r.programArg(L, 2, proto.XDP, nil)
	prog, err := p.load()
	if err != nil {
		return r.raise(err)
	}
	l, err := link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifindex, Flags: flags})
	if err != nil {
		L.RaiseError("bpf.xdp: %s", xdpAttachError(iface, mode, err))
	}
	r.track(l)
	L.Push(r.wrapProgram(p))
	return 1
}

// xdpAttachError says why an XDP program could not be attached.
func xdpAttachError(iface, mode string, err error) string {
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Sprintf("attaching XDP to %s needs root, or CAP_NET_ADMIN and CAP_BPF (%s)", iface, errnoText(err))
	case errors.Is(err, unix.EBUSY), errors.Is(err, unix.EEXIST):
		return fmt.Sprintf("%s already has an XDP program; detach it first (ip link set dev %s xdp off)", iface, iface)
	case errors.Is(err, unix.EOPNOTSUPP) && mode != "" && xdpModes[mode] == link.XDPDriverMode:
		return fmt.Sprintf("the driver of %s has no native XDP; use mode 'generic' or leave the mode out", iface)
	case errors.Is(err, ebpf.ErrNotSupported):
		return "XDP links need Linux 5.9 or later"
	}
	return fmt.Sprintf("cannot attach XDP to %s: %s", iface, errnoText(err))
}

// tc implements bpf.tc(iface, 'ingress' | 'egress', fn | prog): compile
// fn as a TC program and attach it to iface's ingress or egress through
// a tcx link (Linux 6.6 or later), after the programs already there.
// It stays attached until the script ends. bpf.tc(fn) only compiles fn
// (as an ingress program).
func (r *Runtime) tc(L *lua.LState) int {
	if _, ok := L.Get(1).(*lua.LFunction); ok {
		return r.compileOnly(L, proto.TC, nil)
	}
	iface := L.CheckString(1)
	dir := L.CheckString(2)
	section, attach, ok := proto.TCSection(dir)
	if !ok {
		L.ArgError(2, fmt.Sprintf("expected 'ingress' or 'egress', not '%s'", dir))
	}
	opts := &value.CompileOptions{Section: section, Attach: attach}
	what := fmt.Sprintf("TC %s on interface %s", dir, iface)
	if r.compiling() {
		p := r.programArg(L, 3, proto.TC, opts)
		r.comp.attached(p, what)
		L.Push(r.wrapProgram(p))
		return 1
	}
	ifindex, err := interfaceIndex(iface)
	if err != nil {
		L.RaiseError("bpf.tc: %v", err)
	}
	p := r.programArg(L, 3, proto.TC, opts)
	prog, err := p.load()
	if err != nil {
		return r.raise(err)
	}
	l, err := link.AttachTCX(link.TCXOptions{Interface: ifindex, Program: prog, Attach: attach})
	if err != nil {
		L.RaiseError("bpf.tc: %s", tcAttachError(iface, err))
	}
	r.track(l)
	L.Push(r.wrapProgram(p))
	return 1
}

// tcAttachError says why a TC program could not be attached.
func tcAttachError(iface string, err error) string {
	switch {
	case errors.Is(err, ebpf.ErrNotSupported):
		release := "an older one"
		var uts unix.Utsname
		if unix.Uname(&uts) == nil {
			release = unix.ByteSliceToString(uts.Release[:])
		}
		return fmt.Sprintf("bpf.tc attaches through tcx links, which need Linux 6.6 or later; this kernel is %s", release)
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Sprintf("attaching TC programs to %s needs root, or CAP_NET_ADMIN and CAP_BPF (%s)", iface, errnoText(err))
	}
	return fmt.Sprintf("cannot attach the TC program to %s: %s", iface, errnoText(err))
}

// compileOnly compiles the function at argument 1 as kind and returns
// the program without attaching it, as bpf(fn) does for socket filters.
func (r *Runtime) compileOnly(L *lua.LState, kind *proto.Kind, opts *value.CompileOptions) int {
	p, err := r.compile(L.CheckFunction(1), kind, opts)
	if err != nil {
		return r.raise(err)
	}
	if r.compiling() {
		r.comp.record(p)
	}
	L.Push(r.wrapProgram(p))
	return 1
}
