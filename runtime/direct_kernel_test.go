package runtime

import (
	"fmt"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// truncCase is a kernel function run on every prefix of frame: it must
// return full when the frame holds at least need bytes and short when it
// does not (a header not all in the packet reads 0).
type truncCase struct {
	name        string
	frame       []byte
	body        string
	need        int
	full, short uint32
}

// A read past the packet is a miss: the field reads 0 and the program
// goes on, at every length from the Ethernet header (the shortest frame
// a test run takes) to the whole frame.
func TestDirectTruncatedEveryLength(t *testing.T) {
	tcpOpts := packetTCPWithIPOptions()
	cases := []truncCase{
		{"eth type", frameUDP4, "return ntoh(pkt.type)", 14, 0x0800, 0},
		{"ip proto", frameUDP4, "return pkt.ip.proto", 34, 17, 0},
		{"ip proto test", frameUDP4, "if pkt.ip.proto == c.ip.proto_udp then return 1 end return 2", 34, 1, 2},
		{"ip proto not", frameUDP4, "if pkt.ip.proto ~= c.ip.proto_udp then return 1 end return 2", 34, 2, 1},
		{"udp port", frameUDP4, "return ntoh(pkt.ip.udp.dst_port)", 42, 53, 0},
		{"udp port and", frameUDP4, "if pkt.ip.proto == 17 and ntoh(pkt.ip.udp.dst_port) == 53 then return 1 end return 2", 42, 1, 2},
		{"udp data byte", frameUDP4, "return pkt.ip.udp.data[3]", 46, uint32(frameUDP4[45]), 0},
		{"udp data slice", frameUDP4, "return pkt.ip.udp.data(0, 4)", 46, 0x12340100, 0},
		{"dns label skip", frameUDP4, "local d = pkt.ip.udp.data + 12; d = d + d[0] + 1; return d[0] + 1", 63, 4, 1},
		// sock-parse-dns's two labels, the position merged from three
		// paths: QTYPE's low byte (28) past "example.com".
		{"dns two labels", frameUDP4, `local d = pkt.ip.udp.data + 12
	local label = d[0]
	if label > 0 then
		d = d + label + 1
		label = d[0]
		if label > 0 then d = d + label + 1 end
	end
	if d[0] == 0 then return d[2] + 1 end
	return 0`, 42 + 12 + 8 + 4 + 3, 29, 1},
		{"ip options tcp port", tcpOpts, "return ntoh(pkt.ip.tcp.dst_port)", 14 + 24 + 20, 80, 0},
		{"ip options tcp data", tcpOpts, "return pkt.ip.tcp.data[0]", 14 + 24 + 20 + 1, 'P', 0},
		{"ipv6 ext headers", frameTwoOpts6, "return ntoh(pkt.ip6.ip6_opt.ip6_opt.tcp.dst_port)", 14 + 40 + 8 + 24 + 20, 2222, 0},
		{"vlan udp", frameVLAN, "return ntoh(pkt.dot1q.ip.udp.dst_port)", 14 + 4 + 20 + 8, 53, 0},
		{"qinq udp", frameQinQ, "return ntoh(pkt.dot1q.dot1q.ip6.udp.dst_port)", 14 + 8 + 40 + 8, 10, 0},
		{"icmp type", frameICMP4, "return pkt.ip.icmp.type", 14 + 20 + 4, 8, 0},
		{"vxlan inner", frameVXLAN, "return pkt.ip.udp.vxlan.eth.ip.ttl", 14 + 20 + 8 + 8 + 14 + 20, 3, 0},
	}
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", tc.body))
					for n := shortestRun(pk, tc.frame); n <= len(tc.frame); n++ {
						want := tc.short
						if n >= tc.need {
							want = tc.full
						}
						if got, _ := kerneltest.RunPacket(t, prog, tc.frame[:n]); got != want {
							t.Errorf("%d-byte frame: returned %d, want %d", n, got, want)
						}
					}
				})
			}
		})
	}
}

// shortestRun is the shortest prefix of frame a test run of kind pk
// takes: an XDP run any frame with an Ethernet header; a TC run (whose
// socket buffer the kernel sets up as if received) a whole IPv4 or IPv6
// header too when the ethertype says there is one. XDP runs cover the
// shorter frames.
func shortestRun(pk packetKind, frame []byte) int {
	if pk.kind != packetKinds("tc").kind {
		return packet.EthHdrLen
	}
	switch uint16(frame[12])<<8 | uint16(frame[13]) {
	case packet.EthIPv4:
		return packet.EthHdrLen + packet.IPv4HdrLen
	case packet.EthIPv6:
		return packet.EthHdrLen + packet.IPv6HdrLen
	}
	return packet.EthHdrLen
}

// What a direct read past the packet does differently from a socket
// filter's, whose load ends the program: the miss reads 0 and the rest
// still runs.
func TestDirectMissGoesOn(t *testing.T) {
	short := frameUDP4[:36] // ends inside the UDP header
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			rt, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "m = bpf.map('hash', 8)", `
	m[1] = 11
	m[2] = pkt.ip.udp.dst_port
	m[3] = pkt.ip.proto
	m[5] = pkt.ip.udp.src_port
	local d = pkt.ip.udp.data - 100
	m[4] = d[0] + 5
	return 9`))
			if got, _ := kerneltest.RunPacket(t, prog, short); got != 9 {
				t.Errorf("returned %d, want 9", got)
			}
			// src_port is inside the 36 bytes, but the UDP header is not
			// all there: it is a miss too.
			wantMap(t, rt, "m", map[any]string{1: "11", 2: "0", 3: "17", 4: "5", 5: "0"})
		})
	}
}

// The new headers of the dissector chain: IPv6 routing, fragment and
// authentication headers, GRE with optional fields.
func TestDissectMoreHeaders(t *testing.T) {
	route := packet.Ethernet(packet.EthIPv6).
		IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: 43}).
		Payload([]byte{packet.ProtoUDP, 1, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).
		UDP(100, 200).Payload([]byte("r")).Bytes()
	frag := packet.Ethernet(packet.EthIPv6).
		IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: 44}).
		Payload([]byte{packet.ProtoTCP, 0, 0x01, 0x09, 0xde, 0xad, 0xbe, 0xef}). // offset 0x21, more
		TCP(packet.TCP{Src: 300, Dst: 400}).Bytes()
	ah := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: 51}).
		Payload([]byte{packet.ProtoICMP, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}). // 24 bytes: (4+2)*4
		ICMPEcho(packet.ICMPEchoRequest, 1, 2).Bytes()
	// GRE with key and sequence number (K, S) carrying IPv4/UDP.
	gre := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: 47}).
		Payload([]byte{0x30, 0x00, 0x08, 0x00, 0, 0, 0, 42, 0, 0, 0, 1}).
		IPv4(packet.IPv4{Src: ip4b, Dst: ip4a, Proto: packet.ProtoUDP, TTL: 5}).
		UDP(1, 2).Bytes()
	// GRE with a checksum only, carrying Ethernet.
	greEth := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: 47}).
		Payload([]byte{0x80, 0x00, 0x65, 0x58, 0, 0, 0, 0}).
		Eth(packet.Eth{Dst: packet.DefaultSrc, Src: packet.DefaultDst, Type: packet.EthARP}).Bytes()
	runAllKinds(t, "", nil, []retCase{
		{name: "routing type", body: "return pkt.ip6.ip6_route.type", want: 4, frame: route},
		{name: "routing segments", body: "return pkt.ip6.ip6_route.segments_left", want: 2, frame: route},
		{name: "after routing", body: "return ntoh(pkt.ip6.ip6_route.udp.dst_port)", want: 200, frame: route},
		{name: "fragment offset", body: "return pkt.ip6.ip6_frag.offset", want: 0x21, frame: frag},
		{name: "fragment more", body: "return pkt.ip6.ip6_frag.more", want: 1, frame: frag},
		{name: "fragment id", body: "return ntoh(pkt.ip6.ip6_frag.identification)", want: 0xdeadbeef, frame: frag},
		{name: "after fragment", body: "return ntoh(pkt.ip6.ip6_frag.tcp.dst_port)", want: 400, frame: frag},
		{name: "ah spi", body: "return ntoh(pkt.ip.ah.spi)", want: 0x1001, frame: ah},
		{name: "after ah", body: "return pkt.ip.ah.icmp.type", want: 8, frame: ah},
		{name: "gre flags", body: "local g = pkt.ip.gre; return g.c * 100 + g.k * 10 + g.s", want: 11, frame: gre},
		{name: "gre protocol", body: "return ntoh(pkt.ip.gre.protocol)", want: 0x0800, frame: gre},
		{name: "after gre with key and seq", body: "return pkt.ip.gre.ip.ttl", want: 5, frame: gre},
		{name: "after gre inner udp", body: "return ntoh(pkt.ip.gre.ip.udp.dst_port)", want: 2, frame: gre},
		{name: "gre with checksum to eth", body: "return ntoh(pkt.ip.gre.eth.type)", want: 0x0806, frame: greEth},
		{name: "qinq tag", body: "return ntoh(pkt.type) == c.eth.vlan and pkt.dot1q.vlanid * 1000 + pkt.dot1q.dot1q.vlanid", want: 0xabc*1000 + 42, frame: frameQinQ},
	})
}

// An example of the README: drop UDP to port 9, count the drops.
func TestXDPExampleCounts(t *testing.T) {
	prelude := "drops = bpf.map('percpu_array', 1)"
	body := `if pkt.ip.proto == c.ip.proto_udp and ntoh(pkt.ip.udp.dst_port) == 9 then
		xadd(drops[0], 1)
		return BPF.XDP_DROP
	end
	return BPF.XDP_PASS`
	rt, prog := loadPacketProg(t, packetKinds("xdp").kind, packetScript("xdp", prelude, body))
	frames := []struct {
		frame []byte
		want  uint32
	}{
		{packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(1000, 9).Bytes(), 1},
		{packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(1000, 10).Bytes(), 2},
		{packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoTCP}).TCP(packet.TCP{Src: 1000, Dst: 9}).Bytes(), 2},
		{packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP, Options: []byte{1, 1, 1, 1}}).UDP(9, 9).Bytes(), 1},
		{packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(1000, 9).Bytes()[:40], 2},
	}
	drops := 0
	for round := range 3 {
		for i, f := range frames {
			if got, _ := kerneltest.RunPacket(t, prog, f.frame); got != f.want {
				t.Errorf("round %d frame %d: returned %d, want %d", round, i, got, f.want)
			}
			if f.want == 1 {
				drops++
			}
		}
	}
	// A per-CPU array reads as the sum over CPUs... or as a list: take
	// what the script's userspace code sees.
	got := eval(t, rt, "local s = 0; for _, v in ipairs(drops[0]) do s = s + tonumber(v) end; return s")
	if got != fmt.Sprint(drops) {
		t.Errorf("drops[0] sums to %s over the CPUs, want %d", got, drops)
	}
}

// packetKinds returns the direct kind called name.
func packetKinds(name string) packetKind {
	for _, k := range directKinds {
		if k.name == name {
			return k
		}
	}
	panic("no packet kind " + name)
}

// A run-time offset the compiler cannot bound (a map value) is checked
// against the verifier's largest packet offset before it moves a packet
// pointer: in the packet it reads the byte (before the position too),
// past either end it is a miss.
func TestDirectUnboundedOffset(t *testing.T) {
	prelude := "idx = bpf.map('array', 1, ffi.typeof('uint32_t'), ffi.typeof('int64_t'))"
	body := "local d = pkt.ip.udp.data; return d[idx[0]] + 1000"
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			rt, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, prelude, body))
			for _, tc := range []struct {
				idx  string
				want uint32
			}{{"3", 1000 + uint32(frameUDP4[udd+3])}, {"0", 1000 + uint32(frameUDP4[udd])}, {"1000", 1000}, {"70000", 1000},
				{"-1", 1000 + uint32(frameUDP4[udd-1])}, {"-42", 1000 + uint32(frameUDP4[0])}, {"-43", 1000}, {"-100000", 1000}} {
				eval(t, rt, "idx[0] = "+tc.idx+"; return 0")
				if got, _ := kerneltest.RunPacket(t, prog, frameUDP4); got != tc.want {
					t.Errorf("index %s: returned %d, want %d", tc.idx, got, tc.want)
				}
			}
		})
	}
}
