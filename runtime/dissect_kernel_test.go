package runtime

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The dissector tests read header fields through the pkt chain on crafted
// frames, as socket filters and (runAllKinds) as XDP and TC programs. Whole multi-byte fields come back in network byte order (as the
// original toolkit has them: ntoh(udp.dst_port) == 53, udp.dst_port ==
// 0x3500); bitfields and 1-byte fields are plain numbers.

func TestDissectEthernet(t *testing.T) {
	runAllKinds(t, "", frameUDP4, []retCase{
		{name: "type raw", body: "return pkt.type", want: 0x0008},
		{name: "type ntoh", body: "return ntoh(pkt.type)", want: 0x0800},
		{name: "eth alias", body: "return bpf.ntoh(eth.type)", want: 0x0800},
		{name: "type vs constant", body: "return ntoh(eth.type) == c.eth.ip", want: 1},
		{name: "dst[5]", body: "return pkt.dst[5]", want: 2},
		{name: "src[0]", body: "return eth.src[0]", want: 2},
		{name: "src[5]", body: "return eth.src[5]", want: 1},
		{name: "src run-time index", body: "local i = pkt.ip.hlen; return eth.src[i] * 16 + eth.src[i - 5]", want: 0x12}, // src[5], src[0]
		{name: "src as position", body: "local s = eth.src; return s[5] + s[0] * 256", want: 0x0201},
	})
}

func TestDissectIPv4UDP(t *testing.T) {
	runAllKinds(t, "", frameUDP4, []retCase{
		{name: "ver", body: "return pkt.ip.ver", want: 4},
		{name: "hlen", body: "return pkt.ip.hlen", want: 5},
		{name: "tos", body: "return pkt.ip.tos", want: 0x10},
		{name: "tlen", body: "return ntoh(pkt.ip.tlen)", want: 57},
		{name: "tlen raw", body: "return pkt.ip.tlen", want: 0x3900},
		{name: "identification", body: "return ntoh(pkt.ip.identification)", want: 0x4242},
		{name: "df", body: "return pkt.ip.df", want: 1},
		{name: "mf", body: "return pkt.ip.mf", want: 0},
		{name: "foffset", body: "return pkt.ip.foffset", want: 0},
		{name: "ttl", body: "return pkt.ip.ttl", want: 17},
		{name: "proto", body: "return pkt.ip.proto", want: 17},
		{name: "proto constant", body: "return pkt.ip.proto == c.ip.proto_udp", want: 1},
		{name: "src raw", body: "return pkt.ip.src", want: 0x0100000a},
		{name: "src ntoh", body: "return ntoh(pkt.ip.src)", want: 0x0a000001},
		{name: "dst ntoh", body: "return bpf.ntoh(pkt.ip.dst)", want: 0xc0a80114},
		{name: "udp src_port", body: "return ntoh(pkt.ip.udp.src_port)", want: 1234},
		{name: "udp dst_port raw", body: "return pkt.ip.udp.dst_port", want: 0x3500},
		{name: "udp dst_port == 0x3500", body: "return pkt.ip.udp.dst_port == 0x3500", want: 1},
		{name: "udp dst_port ntoh", body: "return ntoh(pkt.ip.udp.dst_port) == 53", want: 1},
		{name: "udp length", body: "return ntoh(pkt.ip.udp.length)", want: 37},
		{name: "udp data[0]", body: "return pkt.ip.udp.data[0]", want: 0x12},
		{name: "udp data[1]", body: "return pkt.ip.udp.data[1]", want: 0x34},
		{name: "udp data slice 2", body: "return pkt.ip.udp.data(0, 2)", want: 0x1234},
		{name: "udp data slice 4", body: "return pkt.ip.udp.data(0, 4)", want: 0x12340100},
		{name: "ip data is udp", body: "return pkt.ip.data(2, 4)", want: 53},
		{name: "position plus constant", body: "local d = pkt.ip.udp.data + 12; return d[0]", want: 7},
		{name: "position plus run-time", body: "local d = pkt.ip.udp.data + 12; local n = d[0]; d = d + n + 1; return d[0]", want: 3},
		{name: "run-time byte index", body: "local d = pkt.ip.udp.data; local n = d[12]; return d[12 + n + 1]", want: 3},
		{name: "position minus position", body: "return pkt.ip.udp.data - pkt", want: 42},
		{name: "position minus constant", body: "local d = pkt.ip.udp.data + 13; d = d - 1; return d[0]", want: 7},
		{name: "position vs len equal", body: "if pkt.ip.udp.data + 29 > skb.len then return 1 end return 2", want: 2},
		{name: "position vs len beyond", body: "if pkt.ip.udp.data + 30 > skb.len then return 1 end return 2", want: 1},
		{name: "position vs len run-time", body: "local d = pkt.ip.udp.data + pkt.ip.udp.data[12]; if d + 22 <= skb.len then return 1 end return 2", want: 1},
		{name: "position vs len run-time beyond", body: "local d = pkt.ip.udp.data + pkt.ip.udp.data[12]; if d + 23 <= skb.len then return 1 end return 2", want: 2},
		{name: "qtype after labels", body: "local d = pkt.ip.udp.data + 12; d = d + d[0] + 1; d = d + d[0] + 1; return d[0] * 256 + d[2]", want: 28},
	})
}

func TestDissectIPv4TCP(t *testing.T) {
	runAllKinds(t, "", frameTCP4, []retCase{
		{name: "proto", body: "return pkt.ip.proto == c.ip.proto_tcp", want: 1},
		{name: "src_port", body: "return ntoh(pkt.ip.tcp.src_port)", want: 40000},
		{name: "dst_port", body: "return ntoh(pkt.ip.tcp.dst_port)", want: 80},
		{name: "dst_port raw", body: "return pkt.ip.tcp.dst_port", want: 0x5000},
		{name: "seq_num", body: "return ntoh(pkt.ip.tcp.seq_num)", want: 0x01020304},
		{name: "seq_num raw", body: "return pkt.ip.tcp.seq_num", want: 0x04030201},
		{name: "ack_num", body: "return ntoh(pkt.ip.tcp.ack_num)", want: 0x0a0b0c0d},
		{name: "offset", body: "return pkt.ip.tcp.offset", want: 6},
		{name: "reserved", body: "return pkt.ip.tcp.reserved", want: 0},
		{name: "flag_syn", body: "return pkt.ip.tcp.flag_syn", want: 1},
		{name: "flag_ack", body: "return pkt.ip.tcp.flag_ack", want: 1},
		{name: "flag_fin", body: "return pkt.ip.tcp.flag_fin", want: 0},
		{name: "flag_rst", body: "return pkt.ip.tcp.flag_rst", want: 0},
		{name: "flag_psh", body: "return pkt.ip.tcp.flag_psh", want: 0},
		{name: "flag_urg", body: "return pkt.ip.tcp.flag_urg", want: 0},
		{name: "flag_ece", body: "return pkt.ip.tcp.flag_ece", want: 0},
		{name: "flag_cwr", body: "return pkt.ip.tcp.flag_cwr", want: 0},
		{name: "flags as condition", body: "local t = pkt.ip.tcp; if t.flag_syn == 1 and t.flag_ack == 1 and t.flag_rst == 0 then return 3 end return 4", want: 3},
		{name: "rcv_wnd", body: "return ntoh(pkt.ip.tcp.rcv_wnd)", want: 512},
		{name: "urg_ptr", body: "return ntoh(pkt.ip.tcp.urg_ptr)", want: 7},
		{name: "data slice GET", body: "return pkt.ip.tcp.data(0, 4) == 'GET '", want: 1},
		{name: "data slice value", body: "return pkt.ip.tcp.data(0, 4)", want: 0x47455420},
		{name: "data slice not POST", body: "return pkt.ip.tcp.data(0, 4) == 'POST'", want: 0},
		{name: "data slice ~=", body: "return pkt.ip.tcp.data(0, 4) ~= 'POST'", want: 1},
		{name: "data 3-byte slice", body: "return pkt.ip.tcp.data(0, 3) == 'GET'", want: 1},
		{name: "data 3-byte slice value", body: "return pkt.ip.tcp.data(1, 4)", want: 0x455420},
		{name: "data 5-byte slice", body: "return pkt.ip.tcp.data(0, 5) == 'GET /'", want: 1},
		{name: "data 6-byte slice", body: "return pkt.ip.tcp.data(4, 10) == '/index'", want: 1},
		{name: "data 7-byte slice", body: "return pkt.ip.tcp.data(4, 11) == '/index.'", want: 1},
		{name: "data 8-byte slice", body: "return pkt.ip.tcp.data(0, 8) == 'GET /ind'", want: 1},
		{name: "data 8-byte slice mismatch", body: "return pkt.ip.tcp.data(0, 8) == 'GET /inx'", want: 0},
		{name: "data 8-byte slice low word", body: "return bit.band(pkt.ip.tcp.data(0, 8), 0xffffffff)", want: 0x2f696e64},
		{name: "data 1-byte slice", body: "return pkt.ip.tcp.data(0, 1) == 'G'", want: 1},
		{name: "byte vs 1-char string", body: "return pkt.ip.tcp.data[0] == 'G'", want: 1},
		{name: "byte vs other 1-char string", body: "return pkt.ip.tcp.data[1] == 'G'", want: 0},
		{name: "data offset", body: "return pkt.ip.tcp.data - pkt", want: 14 + 20 + 24},
		{name: "data minus tcp", body: "return pkt.ip.tcp.data - pkt.ip.tcp", want: 24},
		{name: "positions compare", body: "if pkt.ip.tcp.data > pkt.ip.tcp then return 1 end return 2", want: 1},
		{name: "slice at run-time base", body: "local d = pkt.ip.tcp.data + pkt.ip.hlen - 1; return d(0, 4) == '/ind'", want: 1},
		{name: "slice at run-time base value", body: "local d = pkt.ip.tcp.data + pkt.ip.hlen; return d(0, 2)", want: 0x696e},
		{name: "8-byte slice at run-time base", body: "local d = pkt.ip.tcp.data + pkt.ip.hlen - 5; return d(0, 8) == 'GET /ind'", want: 1},
		{name: "skb.data run-time index", body: "return skb.data[pkt.ip.hlen * 4 + 14 + 13]", want: 0x12},
		{name: "slice after arithmetic", body: "local d = pkt.ip.tcp.data + 4; return d(0, 4) == '/ind'", want: 1},
		{name: "slice ntoh", body: "return ntoh(pkt.ip.tcp.data(0, 4))", want: 0x20544547},
		{name: "ntoh 16 of slice", body: "return ntoh(pkt.ip.tcp.data(0, 2), 16)", want: 0x4547},
	})
}

func TestDissectICMP(t *testing.T) {
	runAllKinds(t, "", frameICMP4, []retCase{
		{name: "proto", body: "return pkt.ip.proto == c.ip.proto_icmp", want: 1},
		{name: "type", body: "return pkt.ip.icmp.type", want: 8},
		{name: "code", body: "return pkt.ip.icmp.code", want: 0},
		{name: "checksum nonzero", body: "return pkt.ip.icmp.checksum ~= 0", want: 1},
		{name: "data id", body: "return pkt.ip.icmp.data(0, 2)", want: 0x77},
		{name: "data seq", body: "return pkt.ip.icmp.data[3]", want: 3},
		{name: "data payload", body: "return pkt.ip.icmp.data[4]", want: 'a'},
		{name: "payload string", body: "return pkt.ip.icmp.data(4, 7) == 'abc'", want: 1},
	})
}

// IHL 7 (8 bytes of options): the next header starts at IHL*4.
func TestDissectIPv4Options(t *testing.T) {
	runAllKinds(t, "", frameOpts4, []retCase{
		{name: "hlen", body: "return pkt.ip.hlen", want: 7},
		{name: "mf", body: "return pkt.ip.mf", want: 1},
		{name: "df", body: "return pkt.ip.df", want: 0},
		{name: "foffset", body: "return pkt.ip.foffset", want: 0x123},
		{name: "udp src_port", body: "return ntoh(pkt.ip.udp.src_port)", want: 5000},
		{name: "udp dst_port", body: "return ntoh(pkt.ip.udp.dst_port)", want: 6000},
		{name: "udp data", body: "return pkt.ip.udp.data(0, 3) == 'xyz'", want: 1},
		{name: "ip data is the option-less payload", body: "return pkt.ip.data - pkt", want: 14 + 28},
		{name: "option bytes", body: "local o = pkt.ip.data - 8; return o[0] * 256 + o[1]", want: 0x9404},
	})
	// The same with IHL 6 and TCP.
	frame := packetTCPWithIPOptions()
	runAllKinds(t, "", frame, []retCase{
		{name: "ihl6 hlen", body: "return pkt.ip.hlen", want: 6},
		{name: "ihl6 tcp dst_port", body: "return ntoh(pkt.ip.tcp.dst_port)", want: 80},
		{name: "ihl6 tcp data", body: "return pkt.ip.tcp.data(0, 4) == 'POST'", want: 1},
	})
}

func TestDissectIPv6(t *testing.T) {
	runAllKinds(t, "", frameUDP6, []retCase{
		{name: "eth type", body: "return ntoh(pkt.type) == c.eth.ip6", want: 1},
		{name: "ver", body: "return pkt.ip6.ver", want: 6},
		{name: "priority", body: "return pkt.ip6.priority", want: 0xb8},
		{name: "flow_label", body: "return pkt.ip6.flow_label", want: 0x12345},
		{name: "payload_len", body: "return ntoh(pkt.ip6.payload_len)", want: 13},
		{name: "next_header", body: "return pkt.ip6.next_header", want: 17},
		{name: "hop_limit", body: "return pkt.ip6.hop_limit", want: 9},
		{name: "src_hi", body: "return ntoh(pkt.ip6.src_hi) == 0x20010db800000000", want: 1},
		{name: "src_hi top", body: "return bit.rshift(ntoh(pkt.ip6.src_hi), 32)", want: 0x20010db8},
		{name: "src_lo", body: "return ntoh(pkt.ip6.src_lo)", want: 1},
		{name: "dst_hi top", body: "return bit.rshift(ntoh(pkt.ip6.dst_hi), 48)", want: 0xfe80},
		{name: "dst_lo", body: "return ntoh(pkt.ip6.dst_lo)", want: 0xabcd},
		{name: "dst_lo raw top", body: "return bit.rshift(pkt.ip6.dst_lo, 48)", want: 0xcdab},
		{name: "udp dst_port", body: "return ntoh(pkt.ip6.udp.dst_port)", want: 53},
		{name: "udp src_port", body: "return ntoh(pkt.ip6.udp.src_port)", want: 5353},
		{name: "udp data", body: "return pkt.ip6.udp.data(0, 5) == 'hello'", want: 1},
		{name: "ip6 data", body: "return pkt.ip6.data - pkt", want: 54},
	})
	runAllKinds(t, "", frameTCP6, []retCase{
		{name: "tcp offset", body: "return pkt.ip6.tcp.offset", want: 7},
		{name: "tcp flag_rst", body: "return pkt.ip6.tcp.flag_rst", want: 1},
		{name: "tcp src_port", body: "return ntoh(pkt.ip6.tcp.src_port)", want: 443},
		{name: "tcp data", body: "return pkt.ip6.tcp.data[0]", want: 'Q'},
	})
	runAllKinds(t, "", frameICMP6, []retCase{
		{name: "icmp6 type", body: "return pkt.ip6.icmp6.type", want: 129},
		{name: "icmp6 code", body: "return pkt.ip6.icmp6.code", want: 0},
		{name: "icmp6 data", body: "return pkt.ip6.icmp6.data[1]", want: 7},
		{name: "icmp6 payload", body: "return pkt.ip6.icmp6.data(4, 8) == 'ping'", want: 1},
	})
	runAllKinds(t, "", frameData6, []retCase{
		{name: "no next header data", body: "if pkt.ip6.next_header == c.ip.proto_none then return pkt.ip6.data(0, 4) == 'raw!' end return 9", want: 1},
	})
}

// ip6_opt headers are (ext_len+1)*8 bytes long (RFC 8200).
func TestDissectIPv6ExtensionHeaders(t *testing.T) {
	runAllKinds(t, "", frameHop6, []retCase{
		{name: "next_header hop-by-hop", body: "return pkt.ip6.next_header", want: 0},
		{name: "opt next_header", body: "return pkt.ip6.ip6_opt.next_header", want: 17},
		{name: "opt ext_len", body: "return pkt.ip6.ip6_opt.ext_len", want: 1},
		{name: "opt pad[0] (PadN)", body: "return pkt.ip6.ip6_opt.pad[0]", want: 1},
		{name: "udp src_port", body: "return ntoh(pkt.ip6.ip6_opt.udp.src_port)", want: 7000},
		{name: "udp dst_port", body: "return ntoh(pkt.ip6.ip6_opt.udp.dst_port)", want: 8000},
		{name: "udp data", body: "return pkt.ip6.ip6_opt.udp.data(0, 5) == 'hello'", want: 1},
		{name: "opt data offset", body: "return pkt.ip6.ip6_opt.data - pkt", want: 14 + 40 + 16},
	})
	runAllKinds(t, "", frameTwoOpts6, []retCase{
		{name: "second opt ext_len", body: "return pkt.ip6.ip6_opt.ip6_opt.ext_len", want: 2},
		{name: "second opt next_header", body: "return pkt.ip6.ip6_opt.ip6_opt.next_header", want: 6},
		{name: "tcp ports", body: "local t = pkt.ip6.ip6_opt.ip6_opt.tcp; return ntoh(t.src_port) * 10000 + ntoh(t.dst_port)", want: 1111*10000 + 2222},
		{name: "tcp flag_fin", body: "return pkt.ip6.ip6_opt.ip6_opt.tcp.flag_fin", want: 1},
		{name: "tcp data", body: "return pkt.ip6.ip6_opt.ip6_opt.tcp.data[0]", want: 'Z'},
	})
	runAllKinds(t, "", frameHopICMP6, []retCase{
		{name: "icmp6 type", body: "return pkt.ip6.ip6_opt.icmp6.type", want: 128},
		{name: "icmp6 data", body: "return pkt.ip6.ip6_opt.icmp6.data(0, 4)", want: 0x00070001},
	})
}

func TestDissectVLAN(t *testing.T) {
	runAllKinds(t, "", frameVLAN, []retCase{
		{name: "eth type", body: "return ntoh(pkt.type) == c.eth.vlan", want: 1},
		{name: "pri", body: "return pkt.dot1q.pri", want: 5},
		{name: "cfi", body: "return pkt.dot1q.cfi", want: 1},
		{name: "vlanid", body: "return pkt.dot1q.vlanid", want: 100},
		{name: "type", body: "return ntoh(pkt.dot1q.type)", want: 0x0800},
		{name: "ip proto", body: "return pkt.dot1q.ip.proto", want: 17},
		{name: "ip src", body: "return ntoh(pkt.dot1q.ip.src)", want: 0x0a000001},
		{name: "udp dst_port", body: "return ntoh(pkt.dot1q.ip.udp.dst_port)", want: 53},
		{name: "udp data", body: "return pkt.dot1q.ip.udp.data[0]", want: 'v'},
	})
	runAllKinds(t, "", frameQinQ, []retCase{
		{name: "outer vlanid", body: "return pkt.dot1q.vlanid", want: 0xabc},
		{name: "outer pri", body: "return pkt.dot1q.pri", want: 1},
		{name: "outer cfi", body: "return pkt.dot1q.cfi", want: 0},
		{name: "inner vlanid", body: "return pkt.dot1q.dot1q.vlanid", want: 42},
		{name: "inner pri", body: "return pkt.dot1q.dot1q.pri", want: 7},
		{name: "inner ip6", body: "return pkt.dot1q.dot1q.ip6.next_header", want: 17},
		{name: "inner udp", body: "return ntoh(pkt.dot1q.dot1q.ip6.udp.dst_port)", want: 10},
	})
	runAllKinds(t, "", frameVLANARP, []retCase{
		{name: "arp oper", body: "return ntoh(pkt.dot1q.arp.oper)", want: 1},
		{name: "arp sha", body: "return pkt.dot1q.arp.sha[5]", want: 1},
		{name: "arp tpa", body: "return ntoh(pkt.dot1q.arp.tpa)", want: 0xc0a80114},
	})
}

func TestDissectARP(t *testing.T) {
	runAllKinds(t, "", frameARP, []retCase{
		{name: "eth type", body: "return ntoh(pkt.type) == c.eth.arp", want: 1},
		{name: "htype", body: "return ntoh(pkt.arp.htype)", want: 1},
		{name: "ptype", body: "return ntoh(pkt.arp.ptype)", want: 0x0800},
		{name: "hlen", body: "return pkt.arp.hlen", want: 6},
		{name: "plen", body: "return pkt.arp.plen", want: 4},
		{name: "oper", body: "return ntoh(pkt.arp.oper)", want: 2},
		{name: "sha[1]", body: "return pkt.arp.sha[1]", want: 0x11},
		{name: "sha[5]", body: "return pkt.arp.sha[5]", want: 0x55},
		{name: "spa", body: "return ntoh(pkt.arp.spa)", want: 0x0a000001},
		{name: "tha[0]", body: "return pkt.arp.tha[0]", want: 0x0a},
		{name: "tha[5]", body: "return pkt.arp.tha[5]", want: 0x0f},
		{name: "tpa", body: "return ntoh(pkt.arp.tpa)", want: 0xc0a80114},
		{name: "sha slice", body: "return pkt.arp.sha(2, 6)", want: 0x22334455},
	})
}

func TestDissectVXLAN(t *testing.T) {
	runAllKinds(t, "", frameVXLAN, []retCase{
		{name: "udp dst_port", body: "return ntoh(pkt.ip.udp.dst_port)", want: 4789},
		{name: "iflag", body: "return pkt.ip.udp.vxlan.iflag", want: 1},
		{name: "rsv1", body: "return pkt.ip.udp.vxlan.rsv1", want: 0},
		{name: "rsv3", body: "return pkt.ip.udp.vxlan.rsv3", want: 0},
		{name: "key", body: "return pkt.ip.udp.vxlan.key", want: 0xabcdef},
		{name: "rsv4", body: "return pkt.ip.udp.vxlan.rsv4", want: 0},
		{name: "data", body: "return pkt.ip.udp.vxlan.data[0]", want: 0xaa},
		{name: "inner eth src", body: "return pkt.ip.udp.vxlan.eth.src[5]", want: 0xbc},
		{name: "inner eth type", body: "return ntoh(pkt.ip.udp.vxlan.eth.type)", want: 0x0800},
		{name: "inner ip ttl", body: "return pkt.ip.udp.vxlan.eth.ip.ttl", want: 3},
		{name: "inner ip dst", body: "return ntoh(pkt.ip.udp.vxlan.eth.ip.dst)", want: 0xc0a80002},
		{name: "inner icmp type", body: "return pkt.ip.udp.vxlan.eth.ip.icmp.type", want: 8},
		{name: "inner icmp data", body: "local e = pkt.ip.udp.vxlan.eth; return e.ip.icmp.data[1]", want: 0x77},
		{name: "inner offset", body: "return pkt.ip.udp.vxlan.eth.ip - pkt", want: 14 + 20 + 8 + 8 + 14},
	})
}

// Reading beyond the frame with LD_ABS/LD_IND ends the program with 0;
// what was done before stays done.
func TestDissectTruncated(t *testing.T) {
	short := frameUDP4[:28] // ends inside the IPv4 source address
	runRetCases(t, "", short, []retCase{
		{name: "in bounds", body: "return pkt.ip.proto", want: 17},
		{name: "len", body: "return skb.len", want: 28},
		{name: "field beyond", body: "if pkt.ip.dst == 0 then return 5 end return 6", want: 0},
		{name: "field straddling", body: "return pkt.ip.src + 7", want: 0},
		{name: "next header beyond", body: "return ntoh(pkt.ip.udp.dst_port) + 1", want: 0},
		{name: "byte beyond", body: "local d = pkt.ip.udp.data; return d[0] + 1", want: 0},
		{name: "run-time index beyond", body: "local i = pkt.ip.proto; return pkt.ip.data[i] + 1", want: 0},
		{name: "before the start", body: "local d = pkt.ip.udp.data - 100; return d[0] + 1", want: 0},
		{name: "guarded", body: "if pkt.ip.udp.data + 1 > skb.len then return 4 end return pkt.ip.udp.data[0]", want: 4},
	})
	tcpShort := frameTCP4[:14+20+24+6] // 6 bytes of HTTP
	runRetCases(t, "", tcpShort, []retCase{
		{name: "slice within", body: "return pkt.ip.tcp.data(0, 4) == 'GET '", want: 1},
		{name: "8-byte slice beyond", body: "if pkt.ip.tcp.data(0, 8) == 'GET /ind' then return 1 end return 2", want: 0},
		{name: "7-byte slice beyond", body: "return pkt.ip.tcp.data(0, 7) ~= 0", want: 0},
	})

	t.Run("map updates before the end stay", func(t *testing.T) {
		rt, prog := loadFilter(t, filterScript("m = bpf.map('hash', 8)", `
	m[1] = 11
	local port = pkt.ip.udp.dst_port
	m[2] = port
	return 9`))
		if got := run(t, prog, short, nil); got != 0 {
			t.Errorf("returned %d, want 0", got)
		}
		wantMap(t, rt, "m", map[any]string{1: "11", 2: "nil"})
		if got := run(t, prog, frameUDP4, nil); got != 9 {
			t.Errorf("full frame: returned %d, want 9", got)
		}
		wantMap(t, rt, "m", map[any]string{1: "11", 2: "13568"}) // 0x3500
	})
}

func TestDissectSkbData(t *testing.T) {
	runAllKinds(t, "", frameUDP4, []retCase{
		{name: "skb.data[12]", body: "return skb.data[12]", want: 0x08},
		{name: "skb.data[23]", body: "return skb.data[23]", want: 17},
		{name: "skb.data slice", body: "return skb.data(12, 14)", want: 0x0800},
		{name: "data_end minus data", body: "return skb.data_end - skb.data", want: uint32(len(frameUDP4))},
		{name: "data plus len vs data_end", body: "local d = skb.data + 70; if d < skb.data_end then return 1 end return 2", want: 1},
		{name: "data plus len reaches data_end", body: "local d = skb.data + 71; if d < skb.data_end then return 1 end return 2", want: 2},
		{name: "data_end vs len", body: "if pkt.ip.udp.data + 29 > skb.data_end then return 1 end return 2", want: 2},
	})
}

func TestSkbFields(t *testing.T) {
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "len", body: "return skb.len", want: uint32(len(frameUDP4))},
		{name: "protocol", body: "return ntoh(skb.protocol, 16)", want: 0x0800},
		{name: "protocol raw", body: "return skb.protocol", want: 0x0008},
		{name: "ingress_ifindex unset", body: "return skb.ingress_ifindex", want: 0},
		{name: "ingress_ifindex set", body: "return skb.ingress_ifindex", want: 7, opts: &kerneltest.RunOptions{IngressIfindex: 7}},
		{name: "ifindex loopback", body: "return skb.ifindex", want: 1},
		{name: "pkt_type host", body: "return skb.pkt_type", want: 0},
		{name: "cb write and read", body: "skb.cb[0] = 5; skb.cb[4] = 6; return skb.cb[0] * 10 + skb.cb[4]", want: 56},
		{name: "cb starts zero", body: "return skb.cb[2]", want: 0},
		{name: "cb computed", body: "skb.cb[1] = pkt.ip.ttl + 1; return skb.cb[1]", want: 18},
	})
	runRetCases(t, "", frameVLAN, []retCase{
		{name: "protocol vlan", body: "return ntoh(skb.protocol, 16)", want: 0x8100},
		{name: "vlan_present untagged", body: "return skb.vlan_present", want: 0},
	})
}

// le16 is what a 2-byte header field at off reads as: the bytes in
// network order taken as a host (little-endian) number.
func le16(frame []byte, off int) uint32 { return uint32(frame[off]) | uint32(frame[off+1])<<8 }

// The checksum fields and the remaining reserved bits.
func TestDissectChecksums(t *testing.T) {
	runAllKinds(t, "", nil, []retCase{
		{name: "ip hchecksum", body: "return pkt.ip.hchecksum", want: le16(frameUDP4, 14+10), frame: frameUDP4},
		{name: "ip ffo_unused", body: "return pkt.ip.ffo_unused", want: 0, frame: frameUDP4},
		{name: "udp crc", body: "return pkt.ip.udp.crc", want: le16(frameUDP4, 14+20+6), frame: frameUDP4},
		{name: "tcp cksum", body: "return pkt.ip.tcp.cksum", want: le16(frameTCP4, 14+20+16), frame: frameTCP4},
		{name: "icmp checksum", body: "return pkt.ip.icmp.checksum", want: le16(frameICMP4, 14+20+2), frame: frameICMP4},
		{name: "icmp6 checksum", body: "return pkt.ip6.icmp6.checksum", want: le16(frameICMP6, 14+40+2), frame: frameICMP6},
		{name: "vxlan rsv2", body: "return pkt.ip.udp.vxlan.rsv2", want: 0, frame: frameVXLAN},
	})
}
