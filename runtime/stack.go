package runtime

import (
	"encoding/binary"

	"github.com/luabpf/luabpf/internal/sym"
	lua "github.com/yuin/gopher-lua"
)

// stackFrames turns a stack_trace map value (up to 127 return addresses,
// zero-terminated) into a Lua list of addresses, innermost first, as
// stack_id recorded them. A kernel frame is given as the start of the
// kernel function it is in, as /proc/kallsyms lists it, so a script can
// name frames with a table of kallsyms addresses as scripts written for
// the original do (bpf.ksym(addr) spells any address as name+offset).
// Frames outside the kernel's symbols (user stacks) are given as they
// are.
func (r *Runtime) stackFrames(L *lua.LState, b []byte) *lua.LTable {
	ks, _ := sym.Kernel()
	t := L.NewTable()
	for off := 0; off+8 <= len(b); off += 8 {
		ip := binary.NativeEndian.Uint64(b[off:])
		if ip == 0 {
			break
		}
		if ks != nil && isKernelAddress(ip) {
			if start, ok := ks.Start(ip); ok {
				ip = start
			}
		}
		t.Append(r.address(L, ip))
	}
	return t
}

// isKernelAddress reports whether ip lies in the kernel's half of the
// address space (the top half on x86-64 and arm64).
func isKernelAddress(ip uint64) bool { return ip>>63 == 1 }

// address is an address as scripts see it: a number when Lua holds it
// exactly, else the uint64_t cdata of it (one object per value, so equal
// addresses index a table as the same key).
func (r *Runtime) address(L *lua.LState, ip uint64) lua.LValue {
	if ip <= maxExact {
		return lua.LNumber(ip)
	}
	return r.ffi.Int64(L, ip, true)
}
