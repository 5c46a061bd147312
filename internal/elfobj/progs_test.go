package elfobj_test

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/source"
)

// The test programs are written by hand with cilium/ebpf's asm package,
// each instruction tagged with the Lua line it stands for.

// at returns a source line of file for WithSource.
func at(file string, line int, text string) *source.Line {
	return &source.Line{Pos: source.Pos{File: file, Line: line}, Text: text}
}

// flowKey is the struct key of the counting program's hash map:
// struct flow_key { uint32_t proto; uint32_t ifindex; }.
var flowKey = &btf.Struct{Name: "flow_key", Size: 8, Members: []btf.Member{
	{Name: "proto", Type: u32, Offset: 0},
	{Name: "ifindex", Type: u32, Offset: 32},
}}

var (
	u32 = &btf.Typedef{Name: "uint32_t", Type: &btf.Int{Name: "unsigned int", Size: 4}}
	u64 = &btf.Typedef{Name: "uint64_t", Type: &btf.Int{Name: "unsigned long", Size: 8}}
)

// Offsets in struct __sk_buff.
const (
	skbProtocol = 16
	skbIfindex  = 40
)

// countInsns is a socket filter that counts packets per (protocol,
// ifindex) in the hash map "counts": it builds the key on the stack, looks
// it up, increments the count or inserts 1, and returns 0.
func countInsns() asm.Instructions {
	const file = "count.lua"
	l5 := at(file, 5, "bpf.socket('lo', function (skb)")
	l6 := at(file, 6, "\tlocal k = ffi.new('struct flow_key', skb.protocol, skb.ifindex)")
	l7 := at(file, 7, "\txadd(counts[k], 1)")
	l9 := at(file, 9, "\t\tcounts[k] = 1")
	l11 := at(file, 11, "\treturn 0")
	return asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1).WithSymbol("count_packets").WithSource(l5),
		asm.LoadMem(asm.R2, asm.R6, skbProtocol, asm.Word).WithSource(l6),
		asm.StoreMem(asm.RFP, -8, asm.R2, asm.Word).WithSource(l6),
		asm.LoadMem(asm.R2, asm.R6, skbIfindex, asm.Word).WithSource(l6),
		asm.StoreMem(asm.RFP, -4, asm.R2, asm.Word).WithSource(l6),
		asm.LoadMapPtr(asm.R1, 0).WithReference("counts").WithSource(l7),
		asm.Mov.Reg(asm.R2, asm.RFP).WithSource(l7),
		asm.Add.Imm(asm.R2, -8).WithSource(l7),
		asm.FnMapLookupElem.Call().WithSource(l7),
		asm.JEq.Imm(asm.R0, 0, "insert").WithSource(l7),
		asm.Mov.Imm(asm.R1, 1).WithSource(l7),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord).WithSource(l7),
		asm.Ja.Label("out").WithSource(l7),
		asm.Mov.Imm(asm.R1, 1).WithSymbol("insert").WithSource(l9),
		asm.StoreMem(asm.RFP, -16, asm.R1, asm.DWord).WithSource(l9),
		asm.LoadMapPtr(asm.R1, 0).WithReference("counts").WithSource(l9),
		asm.Mov.Reg(asm.R2, asm.RFP).WithSource(l9),
		asm.Add.Imm(asm.R2, -8).WithSource(l9),
		asm.Mov.Reg(asm.R3, asm.RFP).WithSource(l9),
		asm.Add.Imm(asm.R3, -16).WithSource(l9),
		asm.Mov.Imm(asm.R4, 0).WithSource(l9),
		asm.FnMapUpdateElem.Call().WithSource(l9),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out").WithSource(l11),
		asm.Return().WithSource(l11),
	}
}

// XDP actions.
const (
	xdpDrop = 1
	xdpPass = 2
	xdpTX   = 3
)

// classifyInsns is an XDP program with a few conditional jumps: it drops
// frames shorter than an Ethernet header, passes IPv4, returns XDP_TX for
// IPv6 and drops the rest.
func classifyInsns() asm.Instructions {
	const file = "classify.lua"
	l2 := at(file, 2, "\tif #pkt < 14 then return XDP_DROP end")
	l3 := at(file, 3, "\tlocal t = pkt.eth.type")
	l4 := at(file, 4, "\tif t == 0x0800 then return XDP_PASS end")
	l5 := at(file, 5, "\tif t == 0x86dd then return XDP_TX end")
	l6 := at(file, 6, "\treturn XDP_DROP")
	return asm.Instructions{
		asm.Mov.Imm(asm.R0, xdpDrop).WithSymbol("classify").WithSource(l2),
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Word).WithSource(l2), // xdp_md.data
		asm.LoadMem(asm.R3, asm.R1, 4, asm.Word).WithSource(l2), // xdp_md.data_end
		asm.Mov.Reg(asm.R4, asm.R2).WithSource(l2),
		asm.Add.Imm(asm.R4, 14).WithSource(l2),
		asm.JGT.Reg(asm.R4, asm.R3, "out").WithSource(l2),
		asm.LoadMem(asm.R5, asm.R2, 12, asm.Half).WithSource(l3),
		asm.JEq.Imm(asm.R5, 0x0008, "ipv4").WithSource(l4), // 0x0800 read little-endian
		asm.JEq.Imm(asm.R5, 0xdd86, "ipv6").WithSource(l5),
		asm.Ja.Label("out").WithSource(l6),
		asm.Mov.Imm(asm.R0, xdpPass).WithSymbol("ipv4").WithSource(l4),
		asm.Ja.Label("out").WithSource(l4),
		asm.Mov.Imm(asm.R0, xdpTX).WithSymbol("ipv6").WithSource(l5),
		asm.Return().WithSymbol("out").WithSource(l6),
	}
}

// getpidInsns is a tracepoint program that counts calls in slot 0 of the
// array map "calls".
func getpidInsns() asm.Instructions {
	const file = "getpid.lua"
	l3 := at(file, 3, "bpf.tracepoint('syscalls/sys_enter_getpid', function ()")
	l4 := at(file, 4, "\txadd(calls[0], 1)")
	return asm.Instructions{
		asm.StoreImm(asm.RFP, -4, 0, asm.Word).WithSource(l3),
		asm.LoadMapPtr(asm.R1, 0).WithReference("calls").WithSource(l4),
		asm.Mov.Reg(asm.R2, asm.RFP).WithSource(l4),
		asm.Add.Imm(asm.R2, -4).WithSource(l4),
		asm.FnMapLookupElem.Call().WithSource(l4),
		asm.JEq.Imm(asm.R0, 0, "done").WithSource(l4),
		asm.Mov.Imm(asm.R1, 1).WithSource(l4),
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord).WithSource(l4),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("done").WithSource(l4),
		asm.Return().WithSource(l4),
	}
}

// testObject holds the three programs and their maps, plus a perf event
// array and a ring buffer, whose definitions have no key and value types.
func testObject() *elfobj.Object {
	return &elfobj.Object{
		License: "GPL",
		Programs: []elfobj.Program{
			{Name: "count_packets", Section: "socket", Insns: countInsns(), Context: &btf.Fwd{Name: "__sk_buff"}},
			{Name: "classify", Section: "xdp", Insns: classifyInsns(), Context: &btf.Fwd{Name: "xdp_md"}},
			{Name: "count_getpid", Section: "tracepoint/syscalls/sys_enter_getpid", Insns: getpidInsns()},
		},
		Maps: []elfobj.Map{
			{Name: "counts", Type: ebpf.Hash, Key: flowKey, Value: u64, MaxEntries: 64},
			{Name: "calls", Type: ebpf.Array, Key: u32, Value: u64, MaxEntries: 1},
			{Name: "events", Type: ebpf.PerfEventArray, KeySize: 4, ValueSize: 4},
			{Name: "ring", Type: ebpf.RingBuf, MaxEntries: 4096},
			{Name: "lru", Type: ebpf.LRUHash, Key: flowKey, Value: u64, MaxEntries: 16, Flags: 2}, // BPF_F_NO_COMMON_LRU
			{Name: "flows", Type: ebpf.Hash, Key: ctypeBTF("struct flow"), Value: ctypeBTF("struct stats"), MaxEntries: 8},
		},
	}
}

// ctypeBTF converts a type declared in ctypeDecls with package ctype.
func ctypeBTF(name string) btf.Type {
	r := ctype.NewRegistry(ctype.HostArch())
	if err := r.Define(ctypeDecls); err != nil {
		panic(err)
	}
	b, err := ctype.BTF(r.MustParse(name))
	if err != nil {
		panic(err)
	}
	return b
}

// ctypeDecls are C declarations with a typedef, bitfields, a packed
// struct, an anonymous union and an enum, for a map whose BTF comes from
// package ctype.
const ctypeDecls = `
	enum dir { IN, OUT };
	typedef uint16_t port_t;
	struct flow { uint32_t addr; port_t port; uint8_t proto; uint8_t flags:3, outbound:1; };
	struct stats {
		uint64_t packets;
		char comm[8];
		bool seen;
		enum dir dir;
		union { uint32_t raw; struct { uint16_t lo, hi; }; };
	} __attribute__((packed));
`
