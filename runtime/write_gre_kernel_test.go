package runtime

import (
	"bytes"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// GRE frames, their GRE checksums computed by recomputeChecksums.
var (
	greInner4 = func(b *packet.Builder) *packet.Builder {
		return b.IPv4(packet.IPv4{Src: ip4b, Dst: ip4a, Proto: packet.ProtoUDP, TTL: 5}).UDP(1, 2).Payload([]byte("gre!"))
	}
	// C set, carrying IPv4 and UDP.
	frameGRECsum = recomputeChecksums(greInner4(packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoGRE}).
			Payload([]byte{0x80, 0x00, 0x08, 0x00, 0, 0, 0, 0})).Bytes())
	// C, K and S set, carrying IPv6 and TCP.
	frameGREAll = recomputeChecksums(packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoGRE}).
			Payload([]byte{0xb0, 0x00, 0x86, 0xdd, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 1}).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoTCP}).
			TCP(packet.TCP{Src: 20, Dst: 21, Flags: packet.TCPAck}).Payload([]byte("ftp")).Bytes())
	// K alone: no checksum; bytes 4 to 8 are the key.
	frameGREKey = greInner4(packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoGRE}).
			Payload([]byte{0x20, 0x00, 0x08, 0x00, 0xca, 0xfe, 0xba, 0xbe})).Bytes()
	// C set, carrying Ethernet, IPv4 and ICMP.
	frameGREEth = recomputeChecksums(packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoGRE}).
			Payload([]byte{0x80, 0x00, 0x65, 0x58, 0, 0, 0, 0}).
			Eth(packet.Eth{Dst: packet.DefaultSrc, Src: packet.DefaultDst, Type: packet.EthIPv4}).
			IPv4(packet.IPv4{Src: ip4b, Dst: ip4a, Proto: packet.ProtoICMP}).ICMPEcho(packet.ICMPEchoRequest, 3, 4).Bytes())
	// GRE with C over IPv6.
	frameGRE6 = recomputeChecksums(greInner4(packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: protoGRE}).
			Payload([]byte{0x80, 0x00, 0x08, 0x00, 0, 0, 0, 0})).Bytes())
	// GRE with C inside VXLAN: the outer UDP checksum covers the GRE one.
	frameVXLANGRE = recomputeChecksums(greInner4(packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).UDP(3, packet.PortVXLAN).VXLAN(9).
			Eth(packet.Eth{Dst: packet.DefaultDst, Src: packet.DefaultSrc, Type: packet.EthIPv4}).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoGRE}).
			Payload([]byte{0x80, 0x00, 0x08, 0x00, 0, 0, 0, 0})).Bytes())
)

// Offsets in the GRE frames over IPv4.
const (
	gre4   = l4                        // the GRE header
	greIn  = gre4 + 8                  // what GRE with a checksum carries
	greUDP = greIn + packet.IPv4HdrLen // the inner UDP header
)

// A write into a GRE header with its checksum, or into what it carries,
// keeps the GRE checksum right (RFC 2784: over the GRE header and its
// payload), after the checksums of the inner headers; without C the
// bytes after the first word are left alone.
func TestPacketWritesUnderGRE(t *testing.T) {
	vxGRE := udd + packet.VXLANHdrLen + packet.EthHdrLen + packet.IPv4HdrLen
	cases := []writeCase{
		{"gre version", frameGRECsum, "pkt.ip.gre.version = 5", func(f []byte) { f[gre4+1] |= 5 }, false},
		{"gre protocol", frameGREEth, "pkt.ip.gre.protocol = hton(0x6559, 16)", func(f []byte) { put16(f, gre4+2, 0x6559) }, true},
		{"inner ttl", frameGRECsum, "pkt.ip.gre.ip.ttl = 1", func(f []byte) { f[greIn+8] = 1 }, false},
		{"inner udp port", frameGRECsum, "pkt.ip.gre.ip.udp.dst_port = hton(4790, 16)", func(f []byte) { put16(f, greUDP+2, 4790) }, false},
		{"inner ip src", frameGRECsum, "pkt.ip.gre.ip.src = hton(0x0a0a0a0a)", func(f []byte) { put32(f, greIn+12, 0x0a0a0a0a) }, false},
		{"inner udp data odd", frameGRECsum, "pkt.ip.gre.ip.udp.data[1] = 0x21", func(f []byte) { f[greUDP+8+1] = 0x21 }, false},
		{"key and seq inner ipv6", frameGREAll, "pkt.ip.gre.ip6.src_lo = 0x0807060504030201; pkt.ip.gre.ip6.tcp.src_port = hton(2000, 16)", func(f []byte) {
			copy(f[gre4+16+16:], []byte{1, 2, 3, 4, 5, 6, 7, 8})
			put16(f, gre4+16+40, 2000)
		}, false},
		{"no checksum", frameGREKey, "pkt.ip.gre.version = 1; pkt.ip.gre.ip.udp.dst_port = hton(7, 16)", func(f []byte) {
			f[gre4+1] |= 1
			put16(f, greUDP+2, 7)
		}, false},
		{"inner eth icmp", frameGREEth, "pkt.ip.gre.eth.ip.icmp.type = 0", func(f []byte) { f[greIn+14+20] = 0 }, false},
		{"data byte", frameGREEth, "pkt.ip.gre.data[3] = 0x55", func(f []byte) { f[greIn+3] = 0x55 }, false},
		{"over ipv6", frameGRE6, "pkt.ip6.gre.ip.udp.dst_port = hton(99, 16)", func(f []byte) { put16(f, l46+8+20+2, 99) }, false},
		{"in vxlan", frameVXLANGRE, "pkt.ip.udp.vxlan.eth.ip.gre.ip.udp.src_port = hton(98, 16)", func(f []byte) { put16(f, vxGRE+8+20, 98) }, false},
		{"checksum by hand", frameGRECsum, "pkt.ip.gre.checksum = 0x1234", func(f []byte) { f[gre4+4], f[gre4+5] = 0x34, 0x12 }, true},
	}
	// The protocol case's frame no longer parses as Ethernet over GRE:
	// its GRE checksum is computed here.
	cases[1].edit = func(f []byte) {
		put16(f, gre4+2, 0x6559)
		put16(f, gre4+4, 0)
		put16(f, gre4+4, packet.Checksum(f[gre4:]))
	}
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if !bytes.Equal(recomputeChecksums(tc.frame), tc.frame) {
						t.Fatal("the frame's checksums are not right to start with")
					}
					tc.check(t, pk)
				})
			}
		})
	}
}

// Cut anywhere, a GRE frame gets each write whose bytes are there, and
// the GRE checksum's update for it when the checksum is there, as if the
// rest were.
func TestPacketWriteUnderGREPastTheEnd(t *testing.T) {
	body := "pkt.ip.gre.ip.udp.dst_port = hton(9, 16); pkt.ip.gre.version = 2\nreturn 3"
	version := func(f []byte) { f[gre4+1] |= 2 }
	port := func(f []byte) { put16(f, greUDP+2, 9) }
	fullV := append([]byte(nil), frameGRECsum...)
	version(fullV)
	fullV = recomputeChecksums(fullV)
	fullVU := append([]byte(nil), fullV...)
	port(fullVU)
	fullVU = recomputeChecksums(fullVU)
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", body))
			for n := shortestRun(pk, frameGRECsum); n <= len(frameGRECsum); n++ {
				in := frameGRECsum[:n]
				want := append([]byte(nil), in...)
				full := fullV
				if n >= greUDP+packet.UDPHdrLen {
					full = fullVU
					port(want)
					copy(want[greUDP+6:greUDP+8], full[greUDP+6:])
				}
				if n >= gre4+4 {
					version(want)
				}
				if n >= gre4+6 {
					copy(want[gre4+4:gre4+6], full[gre4+4:])
				}
				if _, out := kerneltest.RunPacket(t, prog, in); !bytes.Equal(out, want) {
					t.Errorf("%d-byte frame:\n%s\nwant:\n%s", n, hexRows(out), hexRows(want))
				}
			}
		})
	}
}
