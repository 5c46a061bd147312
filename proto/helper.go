package proto

import (
	"strings"

	"github.com/cilium/ebpf/asm"
)

// Helper is a kernel helper function compiled code may call: the one
// place its facts are written.
type Helper struct {
	Fn   asm.BuiltinFunc
	Args []Arg
	Ret  Ret
	// Kinds are the program kinds whose programs may call it (checked
	// against the kernel's own answer by a kernel test).
	Kinds KindSet
	// Needs names the capability the kernel wants for it beyond
	// CAP_BPF, or "".
	Needs string
	// ChangesPacket marks helpers that may move or resize the packet
	// (the kernel's bpf_helper_changes_pkt_data): the verifier forgets
	// every packet pointer at the call, so they are loaded again after
	// it.
	ChangesPacket bool
}

// Arg is what a helper argument takes.
type Arg uint8

// Helper argument classes.
const (
	ArgCtx  Arg = iota // the program's context pointer
	ArgMap             // a map (ld_imm64 map reference)
	ArgMem             // a pointer to initialised stack or map memory
	ArgOut             // a pointer to memory the helper writes
	ArgSize            // the size of the memory argument before it
	ArgInt             // a number
	ArgPtr             // a pointer into kernel or user memory (not dereferenced by the verifier)
)

// Ret is what a helper returns.
type Ret uint8

// Helper result classes.
const (
	RetLong     Ret = iota // a signed 64-bit number (negative: an error)
	RetU64                 // an unsigned 64-bit number
	RetU32                 // an unsigned 32-bit number
	RetMapValue            // a pointer to a map value, or null
)

const perfmon = "CAP_PERFMON"

// Program kinds that see a socket buffer.
var skbKinds = Set(SocketFilterKind, TCKind)

// netKinds are the kinds that decide a packet's fate: they may redirect
// it and compute checksums.
var netKinds = Set(XDPKind, TCKind)

// Program kinds of one row.
var (
	xdpOnly = Set(XDPKind)
	tcOnly  = Set(TCKind)
)

// tracingKinds are the kinds that may read kernel and user memory and
// walk stacks.
var tracingKinds = Set(TracepointKind, KprobeKind, UprobeKind)

// helpers is the helper table. Kernel's own list per program type:
// bpf_base_func_proto and the per-type *_func_proto in the kernel.
var helpers = []*Helper{
	{Fn: asm.FnMapLookupElem, Args: []Arg{ArgMap, ArgMem}, Ret: RetMapValue, Kinds: AllKinds},
	{Fn: asm.FnMapUpdateElem, Args: []Arg{ArgMap, ArgMem, ArgMem, ArgInt}, Ret: RetLong, Kinds: AllKinds},
	{Fn: asm.FnMapDeleteElem, Args: []Arg{ArgMap, ArgMem}, Ret: RetLong, Kinds: AllKinds},
	{Fn: asm.FnKtimeGetNs, Ret: RetU64, Kinds: AllKinds},
	{Fn: asm.FnGetPrandomU32, Ret: RetU32, Kinds: AllKinds},
	{Fn: asm.FnGetSmpProcessorId, Ret: RetU32, Kinds: AllKinds},
	{Fn: asm.FnGetCurrentPidTgid, Ret: RetU64, Kinds: AllKinds},
	{Fn: asm.FnGetCurrentUidGid, Ret: RetU64, Kinds: AllKinds},
	{Fn: asm.FnGetCurrentComm, Args: []Arg{ArgOut, ArgSize}, Ret: RetLong, Kinds: AllKinds},
	{Fn: asm.FnTracePrintk, Args: []Arg{ArgMem, ArgSize, ArgInt, ArgInt, ArgInt}, Ret: RetLong, Kinds: AllKinds, Needs: perfmon},
	{Fn: asm.FnPerfEventOutput, Args: []Arg{ArgCtx, ArgMap, ArgInt, ArgMem, ArgSize}, Ret: RetLong, Kinds: AllKinds},
	{Fn: asm.FnRingbufOutput, Args: []Arg{ArgMap, ArgMem, ArgSize, ArgInt}, Ret: RetLong, Kinds: AllKinds},
	{Fn: asm.FnSkbLoadBytes, Args: []Arg{ArgCtx, ArgInt, ArgOut, ArgSize}, Ret: RetLong, Kinds: skbKinds},
	{Fn: asm.FnRedirect, Args: []Arg{ArgInt, ArgInt}, Ret: RetLong, Kinds: netKinds},
	{Fn: asm.FnRedirectMap, Args: []Arg{ArgMap, ArgInt, ArgInt}, Ret: RetLong, Kinds: xdpOnly},
	{Fn: asm.FnXdpAdjustHead, Args: []Arg{ArgCtx, ArgInt}, Ret: RetLong, Kinds: xdpOnly, ChangesPacket: true},
	{Fn: asm.FnXdpAdjustTail, Args: []Arg{ArgCtx, ArgInt}, Ret: RetLong, Kinds: xdpOnly, ChangesPacket: true},
	{Fn: asm.FnL3CsumReplace, Args: []Arg{ArgCtx, ArgInt, ArgInt, ArgInt, ArgInt}, Ret: RetLong, Kinds: tcOnly, ChangesPacket: true},
	{Fn: asm.FnL4CsumReplace, Args: []Arg{ArgCtx, ArgInt, ArgInt, ArgInt, ArgInt}, Ret: RetLong, Kinds: tcOnly, ChangesPacket: true},
	{Fn: asm.FnCloneRedirect, Args: []Arg{ArgCtx, ArgInt, ArgInt}, Ret: RetLong, Kinds: tcOnly, ChangesPacket: true},
	{Fn: asm.FnGetStackid, Args: []Arg{ArgCtx, ArgMap, ArgInt}, Ret: RetLong, Kinds: tracingKinds},
	{Fn: asm.FnProbeReadKernel, Args: []Arg{ArgOut, ArgSize, ArgPtr}, Ret: RetLong, Kinds: tracingKinds, Needs: perfmon},
	{Fn: asm.FnProbeReadKernelStr, Args: []Arg{ArgOut, ArgSize, ArgPtr}, Ret: RetLong, Kinds: tracingKinds, Needs: perfmon},
	{Fn: asm.FnProbeReadUser, Args: []Arg{ArgOut, ArgSize, ArgPtr}, Ret: RetLong, Kinds: tracingKinds, Needs: perfmon},
	{Fn: asm.FnProbeReadUserStr, Args: []Arg{ArgOut, ArgSize, ArgPtr}, Ret: RetLong, Kinds: tracingKinds, Needs: perfmon},
}

var helperByFn = func() map[asm.BuiltinFunc]*Helper {
	m := make(map[asm.BuiltinFunc]*Helper, len(helpers))
	for _, h := range helpers {
		m[h.Fn] = h
	}
	return m
}()

// HelperOf returns the table's row for fn, or nil when luabpf does not
// call fn.
func HelperOf(fn asm.BuiltinFunc) *Helper { return helperByFn[fn] }

// Helpers returns the helper table.
func Helpers() []*Helper { return helpers }

// Name returns the helper's kernel name: "bpf_map_lookup_elem".
func (h *Helper) Name() string { return HelperName(h.Fn) }

// HelperName returns the kernel name of helper fn, "bpf_map_lookup_elem",
// or "" when cilium/ebpf has no name for it.
//
// cilium/ebpf generates its Go names from the kernel's FN(map_lookup_elem)
// list by dropping the underscores and capitalising each word. Kernel
// names are lower-case and no word starts with a digit, so an underscore
// before every capital, lower-cased, restores the kernel's name exactly.
func HelperName(fn asm.BuiltinFunc) string {
	camel, ok := strings.CutPrefix(fn.String(), "Fn")
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString("bpf")
	for _, r := range camel {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
