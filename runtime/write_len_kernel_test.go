package runtime

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// Frames ending in two zero bytes, which a length shortened by two
// leaves as padding without changing any sum over the bytes.
var (
	padded       = []byte{'a', 'b', 'c', 0, 0}
	frameTCP4Pad = packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoTCP}).
			TCP(packet.TCP{Src: 1, Dst: 2, Flags: packet.TCPAck}).Payload(padded).Bytes()
	frameUDP4Pad = packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).
			UDP(3, 4).Payload(padded).Bytes()
	frameTCP6Pad = packet.Ethernet(packet.EthIPv6).IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoHopOpts}).
			IPv6Opts(packet.ProtoTCP, 8).TCP(packet.TCP{Src: 5, Dst: 6, Flags: packet.TCPAck}).Payload(padded).Bytes()
	frameICMP6Pad = packet.Ethernet(packet.EthIPv6).IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoICMPv6}).
			ICMPv6Echo(packet.ICMPv6EchoRequest, 1, 2).Payload(padded).Bytes()
)

// shorten16 takes 2 from the big-endian 16-bit field at off.
func shorten16(f []byte, off int) { put16(f, off, binary.BigEndian.Uint16(f[off:])-2) }

// A length written keeps the transport checksum whose pseudo-header
// holds it right: IPv4's tlen and IPv6's payload_len for TCP and ICMPv6
// (behind extension headers too), UDP's own length, which its checksum
// covers twice, and not UDP's for the IP length.
func TestPacketWritesOfLengths(t *testing.T) {
	short := func(field string) string { return field + " = hton(ntoh(" + field + ") - 2, 16)" }
	cases := []writeCase{
		{"ip tlen with tcp", frameTCP4Pad, short("pkt.ip.tlen"), func(f []byte) { shorten16(f, ip4+2) }, false},
		{"udp length", frameUDP4Pad, short("pkt.ip.udp.length"), func(f []byte) { shorten16(f, l4+4) }, false},
		{"ip tlen and udp length", frameUDP4Pad, short("pkt.ip.tlen") + "; " + short("pkt.ip.udp.length"),
			func(f []byte) { shorten16(f, ip4+2); shorten16(f, l4+4) }, false},
		{"ipv6 payload_len with options and tcp", frameTCP6Pad, short("pkt.ip6.payload_len"), func(f []byte) { shorten16(f, ip4+4) }, false},
		{"ipv6 payload_len with icmp6", frameICMP6Pad, short("pkt.ip6.payload_len"), func(f []byte) { shorten16(f, ip4+4) }, false},
	}
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if !bytes.Equal(recomputeChecksums(tc.frame), tc.frame) {
						t.Fatal("the frame's checksums are not right to start with")
					}
					_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", tc.body+"\nreturn 3"))
					want := append([]byte(nil), tc.frame...)
					tc.edit(want)
					want = recomputeChecksums(want)
					if bytes.Equal(want, tc.frame) {
						t.Fatal("the edit changes nothing")
					}
					ret, out := kerneltest.RunPacket(t, prog, tc.frame)
					if ret != 3 {
						t.Errorf("returned %d, want 3", ret)
					}
					if !bytes.Equal(out, want) {
						t.Errorf("frame after the program:\n%s\nwant:\n%s\nwas:\n%s", hexRows(out), hexRows(want), hexRows(tc.frame))
					}
				})
			}
		})
	}
}
