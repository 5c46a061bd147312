package runtime

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// Frames with extension headers between the IP header and the
// transport header, for address writes.
var (
	ip6c = netip.MustParseAddr("2001:db8:ffff::99")
	// srh is a segment routing header (type 4) of two segments, left of
	// them still to visit; segment 0, the final destination, is ip6c.
	srh = func(next, left byte) []byte {
		h := []byte{next, 4, 4, left, 1, 0, 0, 0}
		c, b := ip6c.As16(), ip6b.As16()
		return append(append(h, c[:]...), b[:]...)
	}
	// ah6 is a 24-byte authentication header.
	ah6 = func(next byte) []byte {
		return []byte{next, 4, 0, 0, 0, 0, 0x10, 1, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	}
	ext6 = func(first byte) *packet.Builder {
		return packet.Ethernet(packet.EthIPv6).IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: first})
	}
	frameSRHLeft = recomputeChecksums(ext6(protoRouting).Payload(srh(packet.ProtoUDP, 1)).UDP(1, 2).Payload([]byte("srv6")).Bytes())
	frameSRHDone = recomputeChecksums(ext6(protoRouting).Payload(srh(packet.ProtoTCP, 0)).
			TCP(packet.TCP{Src: 3, Dst: 4, Flags: packet.TCPAck}).Payload([]byte("end")).Bytes())
	frameAtomicFrag = ext6(protoFragment).Payload([]byte{packet.ProtoTCP, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef}).
			TCP(packet.TCP{Src: 5, Dst: 6}).Payload([]byte("whole")).Bytes()
	frameLaterFrag = ext6(protoFragment).Payload([]byte{packet.ProtoUDP, 0, 0x01, 0x09, 0xde, 0xad, 0xbe, 0xef}).
			Payload([]byte("middle of a datagram")).Bytes()
	frameAH6   = ext6(protoAH).Payload(ah6(packet.ProtoUDP)).UDP(7, 8).Payload([]byte("auth")).Bytes()
	frameAH4   = packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoAH}).Payload(ah6(packet.ProtoTCP)).TCP(packet.TCP{Src: 9, Dst: 10}).Payload([]byte("v4")).Bytes()
	frameAH4x2 = packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: protoAH}).Payload(ah6(protoAH)).Payload(ah6(packet.ProtoTCP)).TCP(packet.TCP{Src: 9, Dst: 10}).Payload([]byte("v4")).Bytes()
	frameESP6  = ext6(protoESP).Payload([]byte{0, 0, 0x10, 1, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd}).Bytes()
	// frameOpts returns n destination options headers before UDP.
	frameOpts = func(n int) []byte {
		b := ext6(packet.ProtoDstOpts)
		for i := range n {
			next := byte(packet.ProtoDstOpts)
			if i == n-1 {
				next = packet.ProtoUDP
			}
			b = b.IPv6Opts(next, 8)
		}
		return b.UDP(11, 12).Payload([]byte("deep")).Bytes()
	}
)

// setSrcLo and setDstLo are the edits of the bodies below.
func setSrcLo(f []byte) { copy(f[ip4+16:], []byte{1, 2, 3, 4, 5, 6, 7, 8}) }
func setDstLo(f []byte) { copy(f[ip4+32:], []byte{1, 2, 3, 4, 5, 6, 7, 8}) }

const (
	writeSrcLo = "pkt.ip6.src_lo = 0x0807060504030201"
	writeDstLo = "pkt.ip6.dst_lo = 0x0807060504030201"
)

// An address write keeps the transport checksum right through the
// extension headers before it: IPv6 options, routing (whose final
// destination, while segments are left, is the pseudo-header's), an
// atomic fragment, the authentication header in IPv6 and IPv4, up to
// eight of them (one after IPv4). A later fragment and ESP carry no
// transport checksum to update; with nine extension headers (two after
// IPv4) the checksum is not found and the write does nothing.
func TestPacketWritesAfterExtensionHeaders(t *testing.T) {
	zeroUDP := append([]byte(nil), frameHop6...)
	put16(zeroUDP, l46+16+6, 0)
	cases := []writeCase{
		{"hop-by-hop udp src", frameHop6, writeSrcLo, setSrcLo, false},
		{"hop-by-hop udp without checksum", zeroUDP, writeSrcLo, setSrcLo, false},
		{"two options tcp dst", frameTwoOpts6, "pkt.ip6.dst_hi = pkt.ip6.src_hi", func(f []byte) { copy(f[ip4+24:ip4+32], f[ip4+8:ip4+16]) }, false},
		{"hop-by-hop icmp6 src", frameHopICMP6, "pkt.ip6.src_hi = 0x0123456789abcdef", func(f []byte) {
			copy(f[ip4+8:], []byte{0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01})
		}, false},
		{"routing with segments left dst", frameSRHLeft, writeDstLo, setDstLo, false},
		{"routing with segments left src", frameSRHLeft, writeSrcLo, setSrcLo, false},
		{"routing done dst", frameSRHDone, writeDstLo, setDstLo, false},
		{"atomic fragment", frameAtomicFrag, writeDstLo, setDstLo, false},
		{"later fragment", frameLaterFrag, writeDstLo, setDstLo, false},
		{"ah6 udp", frameAH6, writeSrcLo, setSrcLo, false},
		{"ah4 tcp", frameAH4, "pkt.ip.src = hton(0x01020304)", func(f []byte) { put32(f, ip4+12, 0x01020304) }, false},
		{"two ah4", frameAH4x2, "pkt.ip.src = hton(0x01020304)", func([]byte) {}, true},
		{"esp", frameESP6, writeDstLo, setDstLo, true},
		{"eight options", frameOpts(8), writeSrcLo, setSrcLo, false},
		{"nine options", frameOpts(9), writeSrcLo, func([]byte) {}, true},
		{"two writes", frameTwoOpts6, writeSrcLo + "; " + writeDstLo, func(f []byte) { setSrcLo(f); setDstLo(f) }, false},
		{"every address half and a port", frameTwoOpts6, "local ip = pkt.ip6; ip.src_hi, ip.src_lo, ip.dst_hi, ip.dst_lo = ip.dst_hi, ip.dst_lo, ip.src_hi, ip.src_lo; ip.ip6_opt.ip6_opt.tcp.dst_port = hton(80, 16)",
			func(f []byte) {
				var a [16]byte
				copy(a[:], f[ip4+8:ip4+24])
				copy(f[ip4+8:ip4+24], f[ip4+24:ip4+40])
				copy(f[ip4+24:ip4+40], a[:])
				put16(f, l46+32+2, 80)
			}, false},
	}
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if !tc.raw && !bytes.Equal(recomputeChecksums(tc.frame), tc.frame) {
						t.Fatal("the frame's checksums are not right to start with")
					}
					tc.check(t, pk)
				})
			}
		})
	}
}

// Cut anywhere, a frame with extension headers gets the address when
// the IPv6 header is there and the transport checksum's update when the
// transport header is, as if the rest were there.
func TestPacketWriteAfterExtensionHeadersPastTheEnd(t *testing.T) {
	for _, tc := range []struct {
		name       string
		frame      []byte
		transport  int // where the transport header starts
		size, csum int // its fixed size, its checksum's offset
	}{
		{"two options tcp", frameTwoOpts6, l46 + 8 + 24, packet.TCPHdrLen, 16},
		{"routing done tcp", frameSRHDone, l46 + 40, packet.TCPHdrLen, 16},
		{"hop-by-hop udp", frameHop6, l46 + 16, packet.UDPHdrLen, 6},
	} {
		full := append([]byte(nil), tc.frame...)
		setDstLo(full)
		full = recomputeChecksums(full)
		for _, pk := range directKinds {
			t.Run(pk.name+"/"+tc.name, func(t *testing.T) {
				_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", writeDstLo+"\nreturn 3"))
				for n := shortestRun(pk, tc.frame); n <= len(tc.frame); n++ {
					in := tc.frame[:n]
					want := append([]byte(nil), in...)
					if n >= l46 {
						setDstLo(want)
					}
					if n >= tc.transport+tc.size {
						c := tc.transport + tc.csum
						copy(want[c:c+2], full[c:c+2])
					}
					if _, out := kerneltest.RunPacket(t, prog, in); !bytes.Equal(out, want) {
						t.Errorf("%d-byte frame:\n%s\nwant:\n%s", n, hexRows(out), hexRows(want))
					}
				}
			})
		}
	}
}

// Random chains of extension headers before random upper layers: two
// address writes leave the frame the recomputation in Go makes; a write
// whose walk would go past eight extension headers (not stopped before
// by a later fragment, or, for the destination, a routing header with
// segments left) does nothing.
func TestPacketWritesAfterRandomExtensionHeaders(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type built struct {
		frame []byte
		exts  int
		// stopSrc and stopDst are where the walks of the source and
		// destination writes stop, -1 at the transport header.
		stopSrc, stopDst int
	}
	var frames []built
	for range 120 {
		n := rng.IntN(11)
		kinds := make([]byte, n)
		for i := range kinds {
			kinds[i] = []byte{packet.ProtoHopOpts, packet.ProtoDstOpts, protoRouting, protoFragment, protoAH}[rng.IntN(5)]
		}
		upper := []byte{packet.ProtoTCP, packet.ProtoUDP, packet.ProtoICMPv6, packet.ProtoNone}[rng.IntN(4)]
		next := func(i int) byte {
			if i+1 < n {
				return kinds[i+1]
			}
			return upper
		}
		first := upper
		if n > 0 {
			first = kinds[0]
		}
		b := ext6(first)
		stopSrc, stopDst := -1, -1
		stop := func(at *int, i int) {
			if *at < 0 {
				*at = i
			}
		}
		for i, k := range kinds {
			switch k {
			case protoRouting:
				left := byte(rng.IntN(2))
				if left != 0 {
					stop(&stopDst, i)
				}
				b = b.Payload(srh(next(i), left))
			case protoFragment:
				off := byte(0)
				if rng.IntN(3) == 0 {
					off = 0x09
					stop(&stopSrc, i)
					stop(&stopDst, i)
				}
				b = b.Payload([]byte{next(i), 0, 0, off, 1, 2, 3, 4})
			case protoAH:
				b = b.Payload(ah6(next(i)))
			default:
				b = b.IPv6Opts(next(i), 8*(1+rng.IntN(3)))
			}
		}
		switch upper {
		case packet.ProtoTCP:
			b = b.TCP(packet.TCP{Src: uint16(rng.Uint32()), Dst: 80, Flags: packet.TCPAck})
		case packet.ProtoUDP:
			b = b.UDP(uint16(rng.Uint32()), 53)
		case packet.ProtoICMPv6:
			b = b.ICMPv6Echo(packet.ICMPv6EchoRequest, 1, 2)
		}
		f := b.Payload([]byte("payload")).Bytes()
		if upper == packet.ProtoUDP && rng.IntN(4) == 0 {
			put16(f, len(f)-len("payload")-2, 0) // no UDP checksum
		}
		frames = append(frames, built{recomputeChecksums(f), n, stopSrc, stopDst})
	}
	body := "pkt.ip6.src_lo = 0x0807060504030201; pkt.ip6.dst_hi = 0x1112131415161718\nreturn 3"
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, "", body))
			for i, fr := range frames {
				want := append([]byte(nil), fr.frame...)
				// A walk goes past eight when it does not stop at one of
				// the first eight.
				deep := func(stop int) bool { return fr.exts > 8 && (stop < 0 || stop >= 8) }
				if !deep(fr.stopSrc) {
					setSrcLo(want)
				}
				if !deep(fr.stopDst) {
					copy(want[ip4+24:], []byte{0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11})
				}
				want = recomputeChecksums(want)
				if _, out := kerneltest.RunPacket(t, prog, fr.frame); !bytes.Equal(out, want) {
					t.Errorf("frame %d (%d extension headers):\n%s\nwant:\n%s\nwas:\n%s", i, fr.exts, hexRows(out), hexRows(want), hexRows(fr.frame))
				}
			}
		})
	}
}
