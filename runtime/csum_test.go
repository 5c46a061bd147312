package runtime

import (
	"encoding/binary"

	"github.com/luabpf/luabpf/internal/packet"
)

// recomputeChecksums returns frame with every checksum computed afresh
// in Go, from scratch: the IPv4 header checksum, and the TCP, UDP (when
// not 0), ICMP and ICMPv6 checksums of an unfragmented (or first)
// IPv4 or IPv6 packet, after any IPv6 extension headers and
// authentication header (a routing header with segments left putting
// its first segment, the final destination, in the pseudo-header),
// inner headers of VXLAN first. What the kernel programs write must
// equal it.
func recomputeChecksums(frame []byte) []byte {
	out := append([]byte(nil), frame...)
	fixL2(out, 0)
	return out
}

// fixL2 fixes the checksums of the Ethernet frame at off.
func fixL2(f []byte, off int) {
	typ := binary.BigEndian.Uint16(f[off+12:])
	off += packet.EthHdrLen
	for typ == packet.EthVLAN {
		typ = binary.BigEndian.Uint16(f[off+2:])
		off += packet.VLANHdrLen
	}
	fixNet(f, off, typ)
}

// fixNet fixes the checksums of the network packet of ethertype typ at
// off.
func fixNet(f []byte, off int, typ uint16) {
	// The IP header's length says where the packet ends: bytes after it
	// are padding, under no checksum.
	end := func(n int) []byte { return f[:min(len(f), n)] }
	switch typ {
	case packet.EthIPv4:
		f = end(off + int(binary.BigEndian.Uint16(f[off+2:])))
		hlen := int(f[off]&0x0f) * 4
		frag := binary.BigEndian.Uint16(f[off+6:]) & 0x1fff
		if frag == 0 {
			fixExt(f, off+hlen, f[off+9], f[off+12:off+16], f[off+16:off+20])
		}
		binary.BigEndian.PutUint16(f[off+10:], 0)
		binary.BigEndian.PutUint16(f[off+10:], packet.Checksum(f[off:off+hlen]))
	case packet.EthIPv6:
		f = end(off + packet.IPv6HdrLen + int(binary.BigEndian.Uint16(f[off+4:])))
		fixExt(f, off+packet.IPv6HdrLen, f[off+6], f[off+8:off+24], f[off+24:off+40])
	}
}

// fixExt fixes the checksum of the transport header that the extension
// headers from off lead to, proto the protocol number of the first.
func fixExt(f []byte, off int, proto byte, src, dst []byte) {
	for {
		switch proto {
		case packet.ProtoHopOpts, packet.ProtoDstOpts, protoRouting:
			if proto == protoRouting && f[off+3] != 0 {
				dst = f[off+8 : off+24] // segment 0, the final destination
			}
			proto, off = f[off], off+(int(f[off+1])+1)*8
		case protoFragment:
			if binary.BigEndian.Uint16(f[off+2:])&0xfff8 != 0 {
				return // a later fragment
			}
			proto, off = f[off], off+8
		case protoAH:
			proto, off = f[off], off+(int(f[off+1])+2)*4
		default:
			fixL4(f, off, proto, src, dst)
			return
		}
	}
}

// Protocol numbers of extension headers the packet package has no
// names for.
const (
	protoRouting  = 43
	protoFragment = 44
	protoAH       = 51
	protoESP      = 50
	protoGRE      = 47
	ethTEB        = 0x6558 // GRE carrying Ethernet
)

// fixL4 fixes the checksum of the transport header at off, protocol
// proto, whose IP addresses are src and dst.
func fixL4(f []byte, off int, proto byte, src, dst []byte) {
	seg := f[off:]
	pseudo := func() uint32 {
		var acc uint32
		for _, b := range [][]byte{src, dst} {
			for i := 0; i < len(b); i += 2 {
				acc += uint32(binary.BigEndian.Uint16(b[i:]))
			}
		}
		n := uint32(len(seg))
		return acc + n>>16 + n&0xffff + uint32(proto)
	}
	at := -1
	var acc uint32
	switch proto {
	case packet.ProtoTCP:
		at, acc = 16, pseudo()
	case packet.ProtoUDP:
		if binary.BigEndian.Uint16(seg[6:]) == 0 {
			return // no checksum
		}
		// UDP's length, in its pseudo-header too, says where it ends.
		seg = seg[:min(len(seg), int(binary.BigEndian.Uint16(seg[4:])))]
		if binary.BigEndian.Uint16(seg[2:]) == packet.PortVXLAN {
			fixL2(f, off+packet.UDPHdrLen+packet.VXLANHdrLen)
		}
		at, acc = 6, pseudo()
	case packet.ProtoICMP:
		at = 2
	case packet.ProtoICMPv6:
		at, acc = 2, pseudo()
	case protoGRE:
		// RFC 2784: the checksum, when C is set, covers the GRE header
		// and what it carries, after which come the key and sequence
		// number when K and S are set.
		flags := binary.BigEndian.Uint16(seg)
		hl := 4
		for _, bit := range []uint16{0x8000, 0x2000, 0x1000} {
			if flags&bit != 0 {
				hl += 4
			}
		}
		if typ := binary.BigEndian.Uint16(seg[2:]); typ == ethTEB {
			fixL2(f, off+hl)
		} else {
			fixNet(f, off+hl, typ)
		}
		if flags&0x8000 != 0 {
			at = 4
		}
	}
	if at < 0 {
		return
	}
	binary.BigEndian.PutUint16(seg[at:], 0)
	for i := 0; i+1 < len(seg); i += 2 {
		acc += uint32(binary.BigEndian.Uint16(seg[i:]))
	}
	if len(seg)%2 == 1 {
		acc += uint32(seg[len(seg)-1]) << 8
	}
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	sum := ^uint16(acc)
	if sum == 0 && proto == packet.ProtoUDP {
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(seg[at:], sum)
}
