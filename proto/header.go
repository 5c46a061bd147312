package proto

import "sort"

// Field is one field of a packet header.
type Field struct {
	Name string
	Off  int // byte offset from the start of the header
	Size int // bytes in one element: 1, 2, 4 or 8
	Len  int // > 0 for an array of Len elements (eth.dst is 6 bytes)
	Bit  int // bitfields: first bit, counted from the most significant bit of the Size-byte unit
	Bits int // bitfields: width; 0 for a whole field
	// Pseudo marks the IP addresses, which the transport checksums after
	// the header cover through their pseudo-header.
	Pseudo bool
	// Dest marks the destination address, which a routing header with
	// segments left replaces in the pseudo-header by the final one.
	Dest bool
	// Length marks the length a transport pseudo-header holds: IPv4's
	// tlen and IPv6's payload_len (less the header and extension headers)
	// for TCP and ICMPv6, and, for UDP, whose checksum has OwnLength,
	// UDP's own length field, which its checksum so covers twice.
	Length bool
}

// IsBitfield reports whether f is a bitfield.
func (f Field) IsBitfield() bool { return f.Bits > 0 }

// Next says where a following header starts, relative to the start of the
// current one: Skip bytes, plus, when LoadSize > 0, a length read from the
// current header: the LoadSize-byte big-endian value at LoadOff, masked
// with Mask and shifted left by Shift bits (right when Shift < 0) or,
// when Optional is set, the sum of the Len of each optional part whose
// flag bits (Mask) are set in that value (GRE's checksum, key and
// sequence number).
type Next struct {
	Skip     int
	LoadOff  int
	LoadSize int
	Mask     int64
	Shift    int
	Optional []Optional
}

// Optional is a part of a header that is there when a flag says so.
type Optional struct {
	Mask int64 // the flag, in the value Next reads
	Len  int   // bytes the part adds when the flag is set
}

// Max returns the largest number of bytes the next header can start
// after the current one.
func (n Next) Max() int64 {
	if n.LoadSize == 0 {
		return int64(n.Skip)
	}
	if n.Optional != nil {
		m := int64(n.Skip)
		for _, o := range n.Optional {
			m += int64(o.Len)
		}
		return m
	}
	m := n.Mask
	if m == 0 {
		m = int64(1)<<(8*n.LoadSize) - 1
	}
	if n.Shift >= 0 {
		m <<= n.Shift
	} else {
		m >>= -n.Shift
	}
	return int64(n.Skip) + m
}

// Checksum describes the checksum of a header: which field holds it and
// what it covers. Writes to the bytes it covers update it.
type Checksum struct {
	// Field is the header's field holding the checksum.
	Field string
	// Payload says the checksum covers the bytes after the header too
	// (transport checksums); the IPv4 header checksum covers the header
	// alone.
	Payload bool
	// Pseudo says the checksum covers the IP pseudo-header, so a new
	// address in the IP header before it changes it.
	Pseudo bool
	// ZeroNone says a checksum of 0 means none was computed (UDP): it
	// stays 0 when covered bytes change, and a computed 0 is sent as
	// 0xffff.
	ZeroNone bool
	// L3 marks a network-layer checksum (bpf_l3_csum_replace); the
	// others are transport checksums (bpf_l4_csum_replace).
	L3 bool
	// OwnLength says the pseudo-header holds the header's own Length
	// field (UDP), not the IP header's.
	OwnLength bool
	// When, if set, is the flag field (a 1-bit bitfield) that says the
	// checksum is there (GRE's c): with it 0 there is none, and the
	// checksum field's bytes are something else.
	When string
}

// Carried is a transport header an IP header can carry and the protocol
// number that says it does; Pseudo-header changes reach its checksum.
type Carried struct {
	Name  string
	Proto int64
}

// Header is a packet header the dissector chain can reach.
type Header struct {
	Name   string
	Size   int // fixed part, in bytes
	Fields []Field
	Next   map[string]Next
	// Bytes marks the byte-stream "header" (data): indexing it reads
	// bytes, calling it reads a slice.
	Bytes bool
	// Checksum is the header's checksum, or nil.
	Checksum *Checksum
	// Demux is the field naming the protocol of what follows (IP headers:
	// proto, next_header), and Carries the transport headers whose
	// pseudo-header checksums cover this header's addresses.
	Demux   string
	Carries []Carried
	// Fragment is the field that is not zero in every fragment but the
	// first, which carries no transport header (IPv4's foffset, the IPv6
	// fragment header's offset).
	Fragment string
	// Ext are the extension headers that can come between an IP header
	// and its transport header, with the protocol numbers (below 64) that
	// say one follows; ExtMax is how many of them a write of an address
	// follows to the transport checksum. Each holds the next protocol
	// number in its Demux field and is as long as its Next["data"] says.
	Ext    []Carried
	ExtMax int
	// Routed is the field of a routing header that is not zero while
	// the IP destination is not the final one (segments_left).
	Routed string
}

// Field returns the field called name.
func (h *Header) Field(name string) (Field, bool) {
	for _, f := range h.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Names returns the field and next-header names of h, for spelling hints.
func (h *Header) Names() []string {
	var out []string
	for _, f := range h.Fields {
		out = append(out, f.Name)
	}
	for n := range h.Next {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the header called name.
func Lookup(name string) (*Header, bool) {
	h, ok := headers[name]
	return h, ok
}

// NetOff is the offset base that makes LD_ABS and LD_IND address bytes
// from the start of the network header instead of the frame (SKF_NET_OFF).
const NetOff = -0x100000

// LLOff is the offset base for the link-layer header (SKF_LL_OFF).
const LLOff = -0x200000

func fixed(n int) Next { return Next{Skip: n} }

// withIcmp adds ICMP (for IPv4) to the headers m leads to.
func withIcmp(m map[string]Next, n Next) map[string]Next {
	m["icmp"] = n
	return m
}

var (
	afterIP      = Next{LoadOff: 0, LoadSize: 1, Mask: 0x0f, Shift: 2}
	afterTCP     = Next{LoadOff: 12, LoadSize: 1, Mask: 0xf0, Shift: -2}
	afterIP6Opt  = Next{Skip: 8, LoadOff: 1, LoadSize: 1, Mask: 0xff, Shift: 3}
	afterAH      = Next{Skip: 8, LoadOff: 1, LoadSize: 1, Mask: 0xff, Shift: 2}
	afterGRE     = Next{Skip: 4, LoadOff: 0, LoadSize: 2, Optional: []Optional{{Mask: 0x8000, Len: 4}, {Mask: 0x2000, Len: 4}, {Mask: 0x1000, Len: 4}}}
	afterL2Proto = map[string]Next{"ip": fixed(4), "ip6": fixed(4), "arp": fixed(4), "dot1q": fixed(4)}
	// afterIP6 is what can follow the IPv6 header and its extension
	// headers, at the distance n says.
	afterIP6 = func(n Next) map[string]Next {
		return map[string]Next{"icmp6": n, "udp": n, "tcp": n, "gre": n, "ip6_opt": n, "ip6_route": n, "ip6_frag": n, "ah": n, "data": n}
	}
	// transport are the checksums of the transport headers.
	ipCsum   = &Checksum{Field: "hchecksum", L3: true}
	tcpCsum  = &Checksum{Field: "cksum", Payload: true, Pseudo: true}
	udpCsum  = &Checksum{Field: "crc", Payload: true, Pseudo: true, ZeroNone: true, OwnLength: true}
	icmpCsum = &Checksum{Field: "checksum", Payload: true}
	icmp6Sum = &Checksum{Field: "checksum", Payload: true, Pseudo: true}
	greCsum  = &Checksum{Field: "checksum", Payload: true, When: "c"}
)

// Eth is the dissector chain's root, pkt (alias eth).
var Eth = &Header{Name: "eth", Size: 14, Fields: []Field{
	{Name: "dst", Off: 0, Size: 1, Len: 6},
	{Name: "src", Off: 6, Size: 1, Len: 6},
	{Name: "type", Off: 12, Size: 2},
}, Next: map[string]Next{"ip": fixed(14), "ip6": fixed(14), "arp": fixed(14), "dot1q": fixed(14)}}

var headers = map[string]*Header{
	"eth": Eth,
	"dot1q": {Name: "dot1q", Size: 4, Fields: []Field{
		{Name: "pri", Size: 2, Bit: 0, Bits: 3},
		{Name: "cfi", Size: 2, Bit: 3, Bits: 1},
		{Name: "vlanid", Size: 2, Bit: 4, Bits: 12},
		{Name: "type", Off: 2, Size: 2},
	}, Next: afterL2Proto},
	"arp": {Name: "arp", Size: 28, Fields: []Field{
		{Name: "htype", Size: 2},
		{Name: "ptype", Off: 2, Size: 2},
		{Name: "hlen", Off: 4, Size: 1},
		{Name: "plen", Off: 5, Size: 1},
		{Name: "oper", Off: 6, Size: 2},
		{Name: "sha", Off: 8, Size: 1, Len: 6},
		{Name: "spa", Off: 14, Size: 4},
		{Name: "tha", Off: 18, Size: 1, Len: 6},
		{Name: "tpa", Off: 24, Size: 4},
	}},
	"net_off": {Name: "net_off", Size: 1, Fields: []Field{
		{Name: "ver", Size: 1, Bit: 0, Bits: 4},
	}, Next: map[string]Next{"ip": fixed(0), "ip6": fixed(0)}},
	"ip": {Name: "ip", Size: 20, Fields: []Field{
		{Name: "ver", Size: 1, Bit: 0, Bits: 4},
		{Name: "hlen", Size: 1, Bit: 4, Bits: 4},
		{Name: "tos", Off: 1, Size: 1},
		{Name: "tlen", Off: 2, Size: 2, Length: true},
		{Name: "identification", Off: 4, Size: 2},
		{Name: "ffo_unused", Off: 6, Size: 2, Bit: 0, Bits: 1},
		{Name: "df", Off: 6, Size: 2, Bit: 1, Bits: 1},
		{Name: "mf", Off: 6, Size: 2, Bit: 2, Bits: 1},
		{Name: "foffset", Off: 6, Size: 2, Bit: 3, Bits: 13},
		{Name: "ttl", Off: 8, Size: 1},
		{Name: "proto", Off: 9, Size: 1},
		{Name: "hchecksum", Off: 10, Size: 2},
		{Name: "src", Off: 12, Size: 4, Pseudo: true},
		{Name: "dst", Off: 16, Size: 4, Pseudo: true, Dest: true},
	}, Next: map[string]Next{"icmp": afterIP, "udp": afterIP, "tcp": afterIP, "gre": afterIP, "ah": afterIP, "data": afterIP},
		Checksum: ipCsum, Demux: "proto", Carries: []Carried{{"tcp", 6}, {"udp", 17}}, Fragment: "foffset",
		Ext: []Carried{{"ah", 51}}, ExtMax: 1},
	"icmp": {Name: "icmp", Size: 4, Fields: []Field{
		{Name: "type", Size: 1},
		{Name: "code", Off: 1, Size: 1},
		{Name: "checksum", Off: 2, Size: 2},
	}, Next: map[string]Next{"data": fixed(4)}, Checksum: icmpCsum},
	"ip6": {Name: "ip6", Size: 40, Fields: []Field{
		{Name: "ver", Size: 4, Bit: 0, Bits: 4},
		{Name: "priority", Size: 4, Bit: 4, Bits: 8},
		{Name: "flow_label", Size: 4, Bit: 12, Bits: 20},
		{Name: "payload_len", Off: 4, Size: 2, Length: true},
		{Name: "next_header", Off: 6, Size: 1},
		{Name: "hop_limit", Off: 7, Size: 1},
		{Name: "src_hi", Off: 8, Size: 8, Pseudo: true},
		{Name: "src_lo", Off: 16, Size: 8, Pseudo: true},
		{Name: "dst_hi", Off: 24, Size: 8, Pseudo: true, Dest: true},
		{Name: "dst_lo", Off: 32, Size: 8, Pseudo: true, Dest: true},
	}, Next: afterIP6(fixed(40)), Demux: "next_header", Carries: []Carried{{"tcp", 6}, {"udp", 17}, {"icmp6", 58}},
		Ext: []Carried{{"ip6_opt", 0}, {"ip6_route", 43}, {"ip6_frag", 44}, {"ah", 51}, {"ip6_opt", 60}}, ExtMax: 8},
	// Hop-by-hop and destination options share this format.
	"ip6_opt": {Name: "ip6_opt", Size: 8, Fields: []Field{
		{Name: "next_header", Size: 1},
		{Name: "ext_len", Off: 1, Size: 1},
		{Name: "pad", Off: 2, Size: 1, Len: 6},
	}, Next: afterIP6(afterIP6Opt), Demux: "next_header"},
	"ip6_route": {Name: "ip6_route", Size: 8, Fields: []Field{
		{Name: "next_header", Size: 1},
		{Name: "ext_len", Off: 1, Size: 1},
		{Name: "type", Off: 2, Size: 1},
		{Name: "segments_left", Off: 3, Size: 1},
	}, Next: afterIP6(afterIP6Opt), Demux: "next_header", Routed: "segments_left"},
	"ip6_frag": {Name: "ip6_frag", Size: 8, Fields: []Field{
		{Name: "next_header", Size: 1},
		{Name: "offset", Off: 2, Size: 2, Bit: 0, Bits: 13},
		{Name: "more", Off: 2, Size: 2, Bit: 15, Bits: 1},
		{Name: "identification", Off: 4, Size: 4},
	}, Next: afterIP6(fixed(8)), Demux: "next_header", Fragment: "offset"},
	// The authentication header, in IPv4 and IPv6: its length counts
	// 4-byte words after the first two.
	"ah": {Name: "ah", Size: 12, Fields: []Field{
		{Name: "next_header", Size: 1},
		{Name: "payload_len", Off: 1, Size: 1},
		{Name: "spi", Off: 4, Size: 4},
		{Name: "seq", Off: 8, Size: 4},
	}, Next: withIcmp(afterIP6(afterAH), afterAH), Demux: "next_header"},
	// GRE (RFC 2784, 2890): the checksum, key and sequence number after
	// the first word are there when their flags are set. The checksum,
	// over the GRE header and all it carries, is the field after the
	// fixed part when c is 1.
	"gre": {Name: "gre", Size: 4, Fields: []Field{
		{Name: "c", Size: 2, Bit: 0, Bits: 1},
		{Name: "k", Size: 2, Bit: 2, Bits: 1},
		{Name: "s", Size: 2, Bit: 3, Bits: 1},
		{Name: "version", Size: 2, Bit: 13, Bits: 3},
		{Name: "protocol", Off: 2, Size: 2},
		{Name: "checksum", Off: 4, Size: 2},
	}, Next: map[string]Next{"ip": afterGRE, "ip6": afterGRE, "eth": afterGRE, "data": afterGRE}, Checksum: greCsum},
	"icmp6": {Name: "icmp6", Size: 4, Fields: []Field{
		{Name: "type", Size: 1},
		{Name: "code", Off: 1, Size: 1},
		{Name: "checksum", Off: 2, Size: 2},
	}, Next: map[string]Next{"data": fixed(4)}, Checksum: icmp6Sum},
	"udp": {Name: "udp", Size: 8, Fields: []Field{
		{Name: "src_port", Size: 2},
		{Name: "dst_port", Off: 2, Size: 2},
		{Name: "length", Off: 4, Size: 2, Length: true},
		{Name: "crc", Off: 6, Size: 2},
	}, Next: map[string]Next{"data": fixed(8), "vxlan": fixed(8)}, Checksum: udpCsum},
	"tcp": {Name: "tcp", Size: 20, Fields: []Field{
		{Name: "src_port", Size: 2},
		{Name: "dst_port", Off: 2, Size: 2},
		{Name: "seq_num", Off: 4, Size: 4},
		{Name: "ack_num", Off: 8, Size: 4},
		{Name: "offset", Off: 12, Size: 1, Bit: 0, Bits: 4},
		{Name: "reserved", Off: 12, Size: 1, Bit: 4, Bits: 4},
		{Name: "flag_cwr", Off: 13, Size: 1, Bit: 0, Bits: 1},
		{Name: "flag_ece", Off: 13, Size: 1, Bit: 1, Bits: 1},
		{Name: "flag_urg", Off: 13, Size: 1, Bit: 2, Bits: 1},
		{Name: "flag_ack", Off: 13, Size: 1, Bit: 3, Bits: 1},
		{Name: "flag_psh", Off: 13, Size: 1, Bit: 4, Bits: 1},
		{Name: "flag_rst", Off: 13, Size: 1, Bit: 5, Bits: 1},
		{Name: "flag_syn", Off: 13, Size: 1, Bit: 6, Bits: 1},
		{Name: "flag_fin", Off: 13, Size: 1, Bit: 7, Bits: 1},
		{Name: "rcv_wnd", Off: 14, Size: 2},
		{Name: "cksum", Off: 16, Size: 2},
		{Name: "urg_ptr", Off: 18, Size: 2},
	}, Next: map[string]Next{"data": afterTCP}, Checksum: tcpCsum},
	"vxlan": {Name: "vxlan", Size: 8, Fields: []Field{
		{Name: "rsv1", Size: 4, Bit: 0, Bits: 4},
		{Name: "iflag", Size: 4, Bit: 4, Bits: 1},
		{Name: "rsv2", Size: 4, Bit: 5, Bits: 3},
		{Name: "rsv3", Size: 4, Bit: 8, Bits: 24},
		{Name: "key", Off: 4, Size: 4, Bit: 0, Bits: 24},
		{Name: "rsv4", Off: 4, Size: 4, Bit: 24, Bits: 8},
	}, Next: map[string]Next{"eth": fixed(8), "data": fixed(8)}},
	"data": {Name: "data", Size: 1, Bytes: true},
}
