// Package proto describes what kernel functions read: packet headers for
// the dissector chain (pkt.ip.udp.data ...), the context structures
// programs are called with (struct __sk_buff, struct pt_regs per
// architecture, tracepoint records parsed from tracefs format files by
// ParseFormat), and the named constants scripts use (c.ip.proto_udp,
// BPF.F_FAST_STACK_CMP).
//
// It is data, not code generation: the compiler's front end walks these
// tables to turn `pkt.ip.tcp.data` into offset arithmetic and loads.
//
// Header fields follow the wire: offsets are from the start of the header,
// multi-byte fields are big-endian, and bitfields are numbered from the most
// significant bit of their big-endian storage unit, the way RFC diagrams
// draw them (ip.ver is the high nibble of byte 0, ip.hlen the low one).
package proto
