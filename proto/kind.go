package proto

import (
	"fmt"

	"github.com/cilium/ebpf"
)

// Kind describes one kind of program luabpf compiles: everything the
// compiler, the ELF writer and the runtime need to know about it. The
// compiler, compile and runtime packages receive a *Kind and ask it; none
// of them tests which kind it is. Each row also has its bit in the Kinds
// column of the helper table.
type Kind struct {
	// ID numbers the kind for KindSet.
	ID KindID
	// Name is the kind as messages say it: "socket filter", as in
	// "socket filter programs"; Noun names one program: "a socket
	// filter", "an XDP program".
	Name, Noun string
	// Program and Attach are the kernel program type and attach type.
	Program ebpf.ProgramType
	Attach  ebpf.AttachType
	// Section is the ELF section libbpf expects the program in, or its
	// prefix when the attach point follows ("tracepoint/" + "CAT/NAME");
	// RetSection the same for return probes.
	Section, RetSection string
	// Ctx is the structure the function's parameter points to, with this
	// kind's read and write rules per field. Nil when it is built per
	// attach point (tracepoints).
	Ctx *Ctx
	// CtxBTF is the name of the context struct in the kernel's BTF
	// ("__sk_buff"), which the program's func info may name; "" for a
	// context the func info calls void *.
	CtxBTF string
	// Packet says how the program reads packet bytes (pkt.*).
	Packet PacketAccess
	// PacketWrite says whether the program may assign to packet bytes
	// and how it keeps checksums right when it does.
	PacketWrite PacketWrite
	// UserPointers says that pointers read from the context point to
	// user memory (uprobes) rather than kernel memory; it picks
	// bpf_probe_read_user over bpf_probe_read_kernel.
	UserPointers bool
	// Return says what the function's return value means.
	Return string
	// Caps names the capabilities, besides root, that loading a program
	// of this kind needs: CAP_BPF, plus CAP_PERFMON for tracing kinds and
	// CAP_NET_ADMIN for XDP and TC.
	Caps string
	// NoReturn is what the function returns when it ends without a
	// return statement or returns nothing (or nil): 0 for most kinds,
	// XDP_PASS for XDP, so a packet an XDP function says nothing about
	// goes on.
	NoReturn int64
}

// KindID numbers the program kinds.
type KindID uint8

// Program kind numbers.
const (
	SocketFilterKind KindID = iota
	TracepointKind
	KprobeKind
	UprobeKind
	XDPKind
	TCKind
	numKinds
)

// KindSet is a set of program kinds.
type KindSet uint32

// AllKinds holds every program kind.
const AllKinds = KindSet(1)<<numKinds - 1

// Set returns the set holding the given kinds.
func Set(ids ...KindID) KindSet {
	var s KindSet
	for _, id := range ids {
		s |= 1 << id
	}
	return s
}

// Has reports whether k is in s.
func (s KindSet) Has(k *Kind) bool { return s&(1<<k.ID) != 0 }

// PacketAccess says how a program kind reads packet bytes.
type PacketAccess uint8

// Packet access methods.
const (
	// NoPacket programs (tracing) see no packet.
	NoPacket PacketAccess = iota
	// SkbLoads programs read the packet with the legacy LD_ABS/LD_IND
	// loads and bpf_skb_load_bytes, and cannot write it.
	SkbLoads
	// DirectPacket programs read (and may write) through the context's
	// data pointer, after checking each access against data_end.
	DirectPacket
)

// PacketWrite says whether and how a program kind writes packet bytes.
type PacketWrite uint8

// Packet write methods.
const (
	// NoPacketWrite programs cannot change the packet.
	NoPacketWrite PacketWrite = iota
	// WriteDirect programs store into the packet themselves and update
	// the checksums the written bytes are under incrementally (RFC 1624).
	WriteDirect
	// WriteSkb programs store into the packet themselves and update
	// checksums with bpf_l3_csum_replace and bpf_l4_csum_replace, which
	// also keep the socket buffer's checksum state right (a checksum
	// the device completes, CHECKSUM_PARTIAL, changes only for
	// pseudo-header fields). Those helpers move the packet, so every
	// packet pointer is loaded again after them.
	WriteSkb
)

// SocketFilter is a program attached to a socket (bpf.socket): it sees
// each packet the socket receives as a struct __sk_buff and returns how
// many bytes of it to keep, 0 dropping it.
var SocketFilter = &Kind{
	ID:      SocketFilterKind,
	Name:    "socket filter",
	Noun:    "a socket filter",
	Program: ebpf.SocketFilter,
	Section: "socket",
	Ctx:     skbView("struct __sk_buff", func(f skbField) Access { return f.socket }),
	CtxBTF:  "__sk_buff",
	Packet:  SkbLoads,
	Return:  "the number of bytes of the packet to keep (0 drops it)",
	Caps:    "CAP_BPF",
}

// Tracepoint is a program attached to a kernel tracepoint
// (bpf.tracepoint): its context is the tracepoint's record, whose layout
// the tracepoint's tracefs format file gives, so it is built per attach
// point.
var Tracepoint = &Kind{
	ID:      TracepointKind,
	Name:    "tracepoint",
	Noun:    "a tracepoint",
	Program: ebpf.TracePoint,
	Section: "tracepoint/",
	Packet:  NoPacket,
	Return:  "nothing: the kernel ignores it",
	Caps:    "CAP_BPF and CAP_PERFMON (tracing programs need CAP_PERFMON)",
}

// Kprobe is a program attached to a kernel function's entry or return
// (bpf.kprobe): its context is the registers, struct pt_regs of the
// running architecture, and pointers in them point to kernel memory.
var Kprobe = &Kind{
	ID:         KprobeKind,
	Name:       "kprobe",
	Noun:       "a kprobe",
	Program:    ebpf.Kprobe,
	Section:    "kprobe/",
	RetSection: "kretprobe/",
	Ctx:        hostPtRegs,
	Packet:     NoPacket,
	Return:     "nothing: the kernel ignores it",
	Caps:       "CAP_BPF and CAP_PERFMON (tracing programs need CAP_PERFMON)",
}

// Uprobe is a program attached to a function of a program or library
// (bpf.uprobe): its context is the registers, and pointers in them point
// to the traced process's memory.
var Uprobe = &Kind{
	ID:           UprobeKind,
	Name:         "uprobe",
	Noun:         "a uprobe",
	Program:      ebpf.Kprobe,
	Section:      "uprobe/",
	RetSection:   "uretprobe/",
	Ctx:          hostPtRegs,
	Packet:       NoPacket,
	UserPointers: true,
	Return:       "nothing: the kernel ignores it",
	Caps:         "CAP_BPF and CAP_PERFMON (tracing programs need CAP_PERFMON)",
}

// XDP is an eXpress Data Path program (bpf.xdp): it runs on each frame
// an interface receives, before the kernel allocates a socket buffer,
// sees struct xdp_md and reads and writes the frame directly, and
// returns what happens to it.
var XDP = &Kind{
	ID:          XDPKind,
	Name:        "XDP",
	Noun:        "an XDP program",
	Program:     ebpf.XDP,
	Attach:      ebpf.AttachXDP,
	Section:     "xdp",
	Ctx:         xdpCtx,
	CtxBTF:      "xdp_md",
	Packet:      DirectPacket,
	PacketWrite: WriteDirect,
	Return:      "an XDP action: BPF.XDP_PASS, XDP_DROP, XDP_TX, XDP_REDIRECT or XDP_ABORTED",
	NoReturn:    XDPPass,
	Caps:        "CAP_BPF and CAP_NET_ADMIN (XDP programs need CAP_NET_ADMIN)",
}

// TC is a traffic-control classifier attached through a tcx link
// (bpf.tc), on an interface's ingress or egress: it sees the socket
// buffer as struct __sk_buff with TC's wider access rules, reads and
// writes the frame directly, and returns a TC action. Section and
// Attach are those of ingress; egress programs go in "tcx/egress" and
// attach as ebpf.AttachTCXEgress.
var TC = &Kind{
	ID:          TCKind,
	Name:        "TC",
	Noun:        "a TC program",
	Program:     ebpf.SchedCLS,
	Attach:      ebpf.AttachTCXIngress,
	Section:     "tcx/ingress",
	Ctx:         skbView("struct __sk_buff", func(f skbField) Access { return f.tc }),
	CtxBTF:      "__sk_buff",
	Packet:      DirectPacket,
	PacketWrite: WriteSkb,
	Return:      "a TC action: BPF.TC_ACT_OK passes the packet, TC_ACT_SHOT drops it, TC_ACT_UNSPEC goes on to the next program",
	NoReturn:    TCActOK,
	Caps:        "CAP_BPF and CAP_NET_ADMIN (TC programs need CAP_NET_ADMIN)",
}

// TCSection returns the ELF section of a TC program for direction dir,
// "ingress" or "egress", and its attach type.
func TCSection(dir string) (string, ebpf.AttachType, bool) {
	switch dir {
	case "ingress":
		return "tcx/ingress", ebpf.AttachTCXIngress, true
	case "egress":
		return "tcx/egress", ebpf.AttachTCXEgress, true
	}
	return "", 0, false
}

// hostPtRegs is the context of kprobes and uprobes, made once for both.
var hostPtRegs = hostPtRegsCtx()

// hostPtRegsCtx is pt_regs of the running architecture, or nil where
// luabpf has no layout (compiling a probe then says so).
func hostPtRegsCtx() *Ctx {
	p, err := HostPtRegs()
	if err != nil {
		return nil
	}
	return p.Ctx()
}

// kinds lists every program kind by ID.
var kinds = [numKinds]*Kind{
	SocketFilterKind: SocketFilter,
	TracepointKind:   Tracepoint,
	KprobeKind:       Kprobe,
	UprobeKind:       Uprobe,
	XDPKind:          XDP,
	TCKind:           TC,
}

// KindOf returns the kind with the given ID, or an error for an ID no
// kind has.
func KindOf(id KindID) (*Kind, error) {
	if int(id) < len(kinds) && kinds[id] != nil {
		return kinds[id], nil
	}
	return nil, fmt.Errorf("unknown program kind %d", id)
}

// Kinds returns every program kind, in ID order.
func Kinds() []*Kind { return kinds[:] }

// String returns the kind's name.
func (k *Kind) String() string { return k.Name }
