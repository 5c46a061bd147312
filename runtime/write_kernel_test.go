package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// writeCase is a kernel function that writes the packet: run on frame,
// the program must leave want, which the test makes from frame with
// edit (the bytes the function writes) and recomputeChecksums.
type writeCase struct {
	name  string
	frame []byte
	body  string
	edit  func(f []byte)
	// raw skips recomputing checksums: the function writes them itself,
	// or the bytes are under no checksum the recomputation knows.
	raw bool
}

// put16 and put32 write big-endian fields for the edits.
func put16(f []byte, off int, v uint16) { binary.BigEndian.PutUint16(f[off:], v) }
func put32(f []byte, off int, v uint32) { binary.BigEndian.PutUint32(f[off:], v) }

// Offsets in the frames written.
const (
	ip4 = packet.EthHdrLen          // the IPv4 or IPv6 header of an untagged frame
	l4  = ip4 + packet.IPv4HdrLen   // the transport header after IPv4 without options
	l46 = ip4 + packet.IPv6HdrLen   // the transport header after IPv6
	udd = l4 + packet.UDPHdrLen     // UDP data after IPv4
	tcd = l4 + packet.TCPHdrLen + 4 // TCP data of frameTCP4 (4 bytes of options)
)

// Writes keep every checksum over the written bytes right: the output
// frame, checksums and all, is the input with the written bytes changed
// and the checksums computed again from scratch.
func TestPacketWrites(t *testing.T) {
	// A tunnel in a tunnel: both UDP checksums cover the innermost ICMP.
	inner := packet.Eth{Dst: packet.DefaultDst, Src: packet.DefaultSrc, Type: packet.EthIPv4}
	vxlan2 := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).UDP(1, packet.PortVXLAN).VXLAN(1).Eth(inner).
		IPv4(packet.IPv4{Src: ip4b, Dst: ip4a, Proto: packet.ProtoUDP}).UDP(2, packet.PortVXLAN).VXLAN(2).Eth(inner).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4a, Proto: packet.ProtoICMP}).ICMPEcho(packet.ICMPEchoRequest, 5, 6).Bytes()
	icmp2 := 2*(udd+packet.VXLANHdrLen+packet.EthHdrLen-ip4) + ip4 + packet.IPv4HdrLen
	zeroUDP := append([]byte(nil), frameUDP4...)
	put16(zeroUDP, l4+6, 0) // no UDP checksum
	cases := []writeCase{
		{"ttl", frameUDP4, "local ip = pkt.ip; ip.ttl = ip.ttl - 1", func(f []byte) { f[ip4+8]-- }, false},
		{"tos odd byte", frameUDP4, "pkt.ip.tos = 0x28", func(f []byte) { f[ip4+1] = 0x28 }, false},
		{"ip identification", frameTCP4, "pkt.ip.identification = hton(0xbeef, 16)", func(f []byte) { put16(f, ip4+4, 0xbeef) }, false},
		{"udp port", frameUDP4, "pkt.ip.udp.dst_port = hton(5353, 16)", func(f []byte) { put16(f, l4+2, 5353) }, false},
		{"udp without checksum", zeroUDP, "pkt.ip.udp.src_port = hton(7, 16)", func(f []byte) { put16(f, l4, 7) }, false},
		{"tcp ports and seq", frameTCP4, "local t = pkt.ip.tcp; t.src_port, t.dst_port = t.dst_port, t.src_port; t.seq_num = hton(0x11223344)",
			func(f []byte) {
				f[l4], f[l4+1], f[l4+2], f[l4+3] = f[l4+2], f[l4+3], f[l4], f[l4+1]
				put32(f, l4+4, 0x11223344)
			}, false},
		{"tcp flag bitfield", frameTCP4, "pkt.ip.tcp.flag_fin = 1; pkt.ip.tcp.flag_syn = 0", func(f []byte) { f[l4+13] = f[l4+13]&^0x02 | 0x01 }, false},
		{"tcp data byte", frameTCP4, "pkt.ip.tcp.data[0] = 'H'", func(f []byte) { f[tcd] = 'H' }, false},
		{"ip dst with tcp", frameTCP4, "pkt.ip.dst = hton(0x0a0b0c0d)", func(f []byte) { put32(f, ip4+16, 0x0a0b0c0d) }, false},
		{"ip src with udp", frameUDP4, "pkt.ip.src = hton(0xc0000201)", func(f []byte) { put32(f, ip4+12, 0xc0000201) }, false},
		{"ip src with icmp", frameICMP4, "pkt.ip.src = hton(0x7f000001)", func(f []byte) { put32(f, ip4+12, 0x7f000001) }, false},
		{"ip src of a later fragment", frameOpts4, "pkt.ip.src = hton(0x01020304)", func(f []byte) { put32(f, ip4+12, 0x01020304) }, false},
		{"udp data even and odd", frameUDP4, "local d = pkt.ip.udp.data; d[1] = 0x99; d[4] = 0x77", func(f []byte) { f[udd+1] = 0x99; f[udd+4] = 0x77 }, false},
		{"udp data run-time index", frameUDP4, "local d = pkt.ip.udp.data; d[d[12]] = 1; d[d[12] + 6] = 2", func(f []byte) { f[udd+7] = 1; f[udd+13] = 2 }, false},
		{"udp data after a label", frameUDP4, "local d = pkt.ip.udp.data + 12; d = d + d[0] + 1; d[1] = 0x4f",
			func(f []byte) { f[udd+12+8+1] = 0x4f }, false},
		{"icmp echo reply", frameICMP4, "local m = pkt.ip.icmp; if m.type == 8 then m.type = 0 end", func(f []byte) { f[l4] = 0 }, false},
		{"icmp data", frameICMP4, "pkt.ip.icmp.data[5] = 0x21", func(f []byte) { f[l4+4+5] = 0x21 }, false},
		{"ipv6 src_lo with udp", frameUDP6, "pkt.ip6.src_lo = 0x0807060504030201", func(f []byte) {
			copy(f[ip4+16:], []byte{1, 2, 3, 4, 5, 6, 7, 8})
		}, false},
		{"ipv6 dst_hi with icmp6", frameICMP6, "pkt.ip6.dst_hi = pkt.ip6.src_hi", func(f []byte) { copy(f[ip4+24:ip4+32], f[ip4+8:ip4+16]) }, false},
		{"ipv6 udp port", frameUDP6, "pkt.ip6.udp.dst_port = hton(54, 16)", func(f []byte) { put16(f, l46+2, 54) }, false},
		{"ipv6 hop limit", frameUDP6, "local ip = pkt.ip6; ip.hop_limit = ip.hop_limit - 1", func(f []byte) { f[ip4+7]-- }, false},
		{"vxlan inner ttl", frameVXLAN, "local ip = pkt.ip.udp.vxlan.eth.ip; ip.ttl = ip.ttl + 60", func(f []byte) { f[udd+8+14+8] += 60 }, false},
		{"vxlan inner icmp", frameVXLAN, "pkt.ip.udp.vxlan.eth.ip.icmp.type = 0", func(f []byte) { f[udd+8+14+20] = 0 }, false},
		{"vxlan in vxlan", vxlan2, "pkt.ip.udp.vxlan.eth.ip.udp.vxlan.eth.ip.icmp.type = 0", func(f []byte) { f[icmp2] = 0 }, false},
		{"vxlan key bitfield", frameVXLAN, "pkt.ip.udp.vxlan.key = 0x123456", func(f []byte) { f[udd+4], f[udd+5], f[udd+6] = 0x12, 0x34, 0x56 }, false},
		{"mac swap", frameUDP4, "pkt.dst, pkt.src = pkt.src, pkt.dst", func(f []byte) {
			var d [6]byte
			copy(d[:], f[0:6])
			copy(f[0:6], f[6:12])
			copy(f[6:12], d[:])
		}, false},
		{"mac from a string", frameUDP4, "pkt.dst = '\\002\\170\\187\\204\\221\\238'", func(f []byte) { copy(f, []byte{2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}) }, false},
		{"mac byte", frameUDP4, "pkt.src[5] = 9", func(f []byte) { f[11] = 9 }, false},
		{"vlan id bitfield", frameVLAN, "pkt.dot1q.vlanid = 200", func(f []byte) { put16(f, 14, binary.BigEndian.Uint16(f[14:])&0xf000|200) }, false},
		{"arp target from sender", frameARP, "pkt.arp.tha = pkt.arp.sha", func(f []byte) { copy(f[14+18:14+24], f[14+8:14+14]) }, false},
		{"checksum written by hand", frameUDP4, "pkt.ip.hchecksum = 0x1234", func(f []byte) { f[ip4+10], f[ip4+11] = 0x34, 0x12 }, true},
		{"ethertype", frameUDP4, "pkt.type = hton(0x86dd, 16)", func(f []byte) { put16(f, 12, 0x86dd) }, true},
	}
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					tc.check(t, pk)
				})
			}
		})
	}
}

// A write where the bytes are not in the packet does nothing, at every
// length the frame could be cut at.
func TestPacketWritePastTheEnd(t *testing.T) {
	body := "pkt.ip.udp.dst_port = hton(7, 16); pkt.ip.ttl = 1; pkt.ip.udp.data[2] = 5\nreturn 3"
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", body))
			for n := shortestRun(pk, frameUDP4); n <= udd+3; n++ {
				in := frameUDP4[:n]
				want := append([]byte(nil), in...)
				if n >= l4 {
					want[ip4+8] = 1
					binary.BigEndian.PutUint16(want[ip4+10:], 0)
					binary.BigEndian.PutUint16(want[ip4+10:], packet.Checksum(want[ip4:l4]))
				}
				if n >= udd {
					// The UDP checksum covers bytes past the end: updated
					// incrementally, as it would be were they there.
					want[l4+3] = 7
					want[l4+6], want[l4+7] = frameUDP4[l4+6], frameUDP4[l4+7]
					full := append([]byte(nil), frameUDP4...)
					full[ip4+8], full[l4+3] = 1, 7
					if n > udd+2 {
						full[udd+2] = 5
						want[udd+2] = 5
					}
					full = recomputeChecksums(full)
					copy(want[l4+6:l4+8], full[l4+6:l4+8])
				}
				if _, out := kerneltest.RunPacket(t, prog, in); !bytes.Equal(out, want) {
					t.Errorf("%d-byte frame:\n%s\nwant:\n%s", n, hexRows(out), hexRows(want))
				}
			}
		})
	}
}

// hexRows formats a frame 16 bytes to a row, for failure messages.
func hexRows(f []byte) string {
	var b bytes.Buffer
	for i := 0; i < len(f); i += 16 {
		fmt.Fprintf(&b, "  %3d: % x\n", i, f[i:min(i+16, len(f))])
	}
	return b.String()
}

// check runs tc's body in a program of kind pk on tc's frame and compares
// the frame it leaves with tc's edit of it, checksums recomputed unless
// the case writes them by hand.
func (tc writeCase) check(t *testing.T, pk packetKind) {
	t.Helper()
	_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", tc.body+"\nreturn 3"))
	want := append([]byte(nil), tc.frame...)
	tc.edit(want)
	if !tc.raw {
		want = recomputeChecksums(want)
	}
	ret, out := kerneltest.RunPacket(t, prog, tc.frame)
	if ret != 3 {
		t.Errorf("returned %d, want 3", ret)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("frame after the program:\n%s\nwant:\n%s\nwas:\n%s", hexRows(out), hexRows(want), hexRows(tc.frame))
	}
}
