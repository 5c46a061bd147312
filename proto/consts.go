package proto

import "sync"

// Consts returns the `c` table of kernel functions: protocol numbers and
// well-known values, by group (c.eth.ip, c.ip.proto_udp). Values are in
// host order; compare them with bpf.ntoh(field) for multi-byte fields.
// It is built on first use, by scripts that name c, rather than at init
// in every run; callers must not change it.
var Consts = sync.OnceValue(func() map[string]map[string]int64 {
	return map[string]map[string]int64{
		"eth": {
			"ip":     0x0800,
			"ip6":    0x86dd,
			"arp":    0x0806,
			"revarp": 0x8035,
			"vlan":   0x8100,
			"qinq":   0x88a8, // 802.1ad service tag, the outer tag of QinQ
			"ipx":    0x8137,
			"mpls":   0x8847,
			"lldp":   0x88cc,
		},
		"ip": ipConsts(),
	}
})

func ipConsts() map[string]int64 {
	m := map[string]int64{
		"addr_any":         0x00000000,
		"addr_broadcast":   0xffffffff,
		"addr_loopback":    0x7f000001,
		"addr_mcast_all":   0xe0000001,
		"addr_mcast_local": 0xe00000ff,
		"tos_default":      0x00,
		"tos_lowdelay":     0x10,
		"tos_throughput":   0x08,
		"tos_reliability":  0x04,
		"tos_lowcost":      0x02,
		"tos_ect":          0x02,
		"tos_ce":           0x01,
		"rf":               0x8000,
		"df":               0x4000,
		"mf":               0x2000,
		"offmask":          0x1fff,
		"ttl_default":      64,
		"ttl_max":          255,
	}
	// IANA protocol numbers, as netinet/in.h and the original name them.
	protos := []string{
		0: "ip", 1: "icmp", 2: "igmp", 3: "ggp", 4: "ipip", 5: "st", 6: "tcp", 7: "cbt",
		8: "egp", 9: "igp", 10: "bbnrcc", 11: "nvp", 12: "pup", 13: "argus", 14: "emcon",
		15: "xnet", 16: "chaos", 17: "udp", 18: "mux", 19: "dcnmeas", 20: "hmp", 21: "prm",
		22: "idp", 23: "trunk1", 24: "trunk2", 25: "leaf1", 26: "leaf2", 27: "rdp", 28: "irtp",
		29: "tp", 30: "netblt", 31: "mfpnsp", 32: "meritinp", 33: "sep", 34: "3pc", 35: "idpr",
		36: "xtp", 37: "ddp", 38: "cmtp", 39: "tppp", 40: "il", 41: "ip6", 42: "sdrp",
		43: "routing", 44: "fragment", 46: "rsvp", 47: "gre", 48: "mhrp", 49: "ena",
		50: "esp", 51: "ah", 52: "inlsp", 53: "swipe", 54: "narp", 55: "mobile", 56: "tlsp",
		57: "skip", 58: "icmp6", 59: "none", 60: "dstopts", 61: "anyhost", 62: "cftp",
		63: "anynet", 64: "expak", 65: "kryptolan", 66: "rvd", 67: "ippc", 68: "distfs",
		69: "satmon", 70: "visa", 71: "ipcv", 72: "cpnx", 73: "cphb", 74: "wsn", 75: "pvp",
		76: "brsatmon", 77: "sunnd", 78: "wbmon", 79: "wbexpak", 80: "eon", 81: "vmtp",
		82: "svmtp", 83: "vines", 84: "ttp", 85: "nsfigp", 86: "dgp", 87: "tcf", 88: "eigrp",
		89: "ospf", 90: "spriterpc", 91: "larp", 92: "mtp", 93: "ax25", 94: "ipipencap",
		95: "micp", 96: "sccsp", 97: "etherip", 98: "encap", 99: "anyenc", 100: "gmtp",
		101: "ifmp", 102: "pnni", 103: "pim", 104: "aris", 105: "scps", 106: "qnx", 107: "an",
		108: "ipcomp", 109: "snp", 110: "compaqpeer", 111: "ipxip", 112: "vrrp", 113: "pgm",
		114: "any0hop", 115: "l2tp", 116: "ddx", 117: "iatp", 118: "stp", 119: "srp",
		120: "uti", 121: "smp", 122: "sm", 123: "ptp", 124: "isis", 125: "fire", 126: "crtp",
		127: "crudp", 128: "sscopmce", 129: "iplt", 130: "sps", 131: "pipe", 132: "sctp",
		133: "fc", 134: "rsvpign", 255: "raw",
	}
	for n, name := range protos {
		if name != "" {
			m["proto_"+name] = int64(n)
		}
	}
	m["proto_hopopts"] = 0
	m["proto_reserved"] = 255
	return m
}

// XDP actions, what an XDP program returns (enum xdp_action).
const (
	XDPAborted  = 0
	XDPDrop     = 1
	XDPPass     = 2
	XDPTx       = 3
	XDPRedirect = 4
)

// TC actions, what a TC program returns (TC_ACT_* in linux/pkt_cls.h).
// Through a tcx link TC_ACT_UNSPEC (TCX_NEXT) runs the next program,
// TC_ACT_OK (TCX_PASS) passes the packet, TC_ACT_SHOT (TCX_DROP) drops
// it and TC_ACT_REDIRECT (TCX_REDIRECT) sends it where bpf_redirect said.
const (
	TCActUnspec     = -1
	TCActOK         = 0
	TCActReclassify = 1
	TCActShot       = 2
	TCActPipe       = 3
	TCActStolen     = 4
	TCActQueued     = 5
	TCActRepeat     = 6
	TCActRedirect   = 7
)

// BPF is the `BPF` table of kernel functions: flags and special offsets
// from include/uapi/linux/bpf.h and linux/filter.h.
var BPF = map[string]int64{
	"ANY":               0, // map update flags
	"NOEXIST":           1,
	"EXIST":             2,
	"F_LOCK":            4,
	"F_CURRENT_CPU":     0xffffffff,
	"F_INDEX_MASK":      0xffffffff,
	"F_USER_STACK":      1 << 8,
	"F_FAST_STACK_CMP":  1 << 9,
	"F_REUSE_STACKID":   1 << 10,
	"F_USER_BUILD_ID":   1 << 11,
	"F_SKIP_FIELD_MASK": 0xff,
	"NET_OFF":           NetOff,
	"LL_OFF":            LLOff,
	"PSEUDO_MAP_FD":     1,
	// what XDP and TC programs return
	"XDP_ABORTED": XDPAborted, "XDP_DROP": XDPDrop, "XDP_PASS": XDPPass, "XDP_TX": XDPTx, "XDP_REDIRECT": XDPRedirect,
	"TC_ACT_UNSPEC": TCActUnspec, "TC_ACT_OK": TCActOK, "TC_ACT_RECLASSIFY": TCActReclassify, "TC_ACT_SHOT": TCActShot,
	"TC_ACT_PIPE": TCActPipe, "TC_ACT_STOLEN": TCActStolen, "TC_ACT_QUEUED": TCActQueued, "TC_ACT_REPEAT": TCActRepeat,
	"TC_ACT_REDIRECT": TCActRedirect,
	"TCX_NEXT":        TCActUnspec, "TCX_PASS": TCActOK, "TCX_DROP": TCActShot, "TCX_REDIRECT": TCActRedirect,
	// bpf_redirect flags: BPF_F_INGRESS sends the packet up the
	// target's receive path (TC) instead of out of it
	"F_INGRESS": 1,
	// instruction classes and fields, as the original's struct bpf had them
	"LD": 0x00, "LDX": 0x01, "ST": 0x02, "STX": 0x03, "ALU": 0x04, "JMP": 0x05, "ALU64": 0x07,
	"W": 0x00, "H": 0x08, "B": 0x10, "DW": 0x18, "ABS": 0x20, "IND": 0x40, "MEM": 0x60,
	"LEN": 0x80, "MSH": 0xa0, "XADD": 0xc0,
	"ADD": 0x00, "SUB": 0x10, "MUL": 0x20, "DIV": 0x30, "OR": 0x40, "AND": 0x50, "LSH": 0x60,
	"RSH": 0x70, "NEG": 0x80, "MOD": 0x90, "XOR": 0xa0, "MOV": 0xb0, "ARSH": 0xc0, "END": 0xd0,
	"TO_LE": 0x00, "TO_BE": 0x08,
	"JA": 0x00, "JEQ": 0x10, "JGT": 0x20, "JGE": 0x30, "JSET": 0x40, "JNE": 0x50, "JSGT": 0x60,
	"JSGE": 0x70, "CALL": 0x80, "EXIT": 0x90, "K": 0x00, "X": 0x08,
}
