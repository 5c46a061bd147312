package packet

import (
	"fmt"
	"net/netip"
)

// IPv4 is an IPv4 header. Total length and header checksum are computed by
// [Builder.Bytes]; the header length (IHL) follows from Options.
type IPv4 struct {
	Src, Dst netip.Addr // IPv4 addresses; the zero Addr is 0.0.0.0
	Proto    uint8      // protocol of the payload, e.g. ProtoUDP
	TTL      uint8      // 0 means 64
	TOS      uint8
	ID       uint16
	Flags    uint8  // IPv4DontFragment, IPv4MoreFragments
	FragOff  uint16 // fragment offset in 8-byte units, 0-8191
	// Options are copied after the fixed header and padded with zeros
	// (end of options list) to a multiple of 4 bytes; at most 40 bytes.
	Options []byte
}

// IPv4 appends an IPv4 header. Its total length runs to the end of the
// frame.
func (b *Builder) IPv4(h IPv4) *Builder {
	if len(h.Options) > 40 || h.Flags > 7 || h.FragOff > 0x1fff {
		panic("packet: IPv4 options must be at most 40 bytes, flags 0-7 and fragment offset 0-8191")
	}
	src, dst := addr4(h.Src, "IPv4 source"), addr4(h.Dst, "IPv4 destination")
	hlen := IPv4HdrLen + (len(h.Options)+3)&^3
	ttl := h.TTL
	if ttl == 0 {
		ttl = 64
	}
	start := len(b.buf)
	frag := uint16(h.Flags)<<13 | h.FragOff
	b.buf = append(b.buf,
		0x40|byte(hlen/4), h.TOS, 0, 0, // version, IHL, TOS, total length
		byte(h.ID>>8), byte(h.ID), byte(frag>>8), byte(frag),
		ttl, h.Proto, 0, 0) // TTL, protocol, checksum
	b.buf = append(b.buf, src[:]...)
	b.buf = append(b.buf, dst[:]...)
	b.buf = append(b.buf, h.Options...)
	b.buf = append(b.buf, make([]byte, hlen-IPv4HdrLen-len(h.Options))...)
	b.pseudo = &pseudoHeader{src: netip.AddrFrom4(src), dst: netip.AddrFrom4(dst)}
	b.fixup(func(frame []byte) {
		hdr := frame[start : start+hlen]
		put16(hdr[2:], uint16(len(frame)-start))
		put16(hdr[10:], Checksum(hdr))
	})
	return b
}

// IPv6 is an IPv6 fixed header. The payload length is computed by
// [Builder.Bytes].
type IPv6 struct {
	Src, Dst     netip.Addr // IPv6 addresses; the zero Addr is ::
	NextHeader   uint8      // e.g. ProtoUDP, or ProtoHopOpts before [Builder.IPv6Opts]
	HopLimit     uint8      // 0 means 64
	TrafficClass uint8
	FlowLabel    uint32 // 20 bits
}

// IPv6 appends an IPv6 header. Its payload length runs to the end of the
// frame and so covers extension headers added after it.
func (b *Builder) IPv6(h IPv6) *Builder {
	if h.FlowLabel > 0xfffff {
		panic("packet: IPv6 flow label must fit in 20 bits")
	}
	src, dst := addr16(h.Src, "IPv6 source"), addr16(h.Dst, "IPv6 destination")
	hops := h.HopLimit
	if hops == 0 {
		hops = 64
	}
	start := len(b.buf)
	word := 6<<28 | uint32(h.TrafficClass)<<20 | h.FlowLabel
	b.buf = append(b.buf, byte(word>>24), byte(word>>16), byte(word>>8), byte(word),
		0, 0, h.NextHeader, hops) // payload length, next header, hop limit
	b.buf = append(b.buf, src[:]...)
	b.buf = append(b.buf, dst[:]...)
	b.pseudo = &pseudoHeader{src: netip.AddrFrom16(src), dst: netip.AddrFrom16(dst)}
	b.fixup(func(frame []byte) {
		put16(frame[start+4:], uint16(len(frame)-start-IPv6HdrLen))
	})
	return b
}

// IPv6Opts appends an IPv6 hop-by-hop or destination options header (both
// have this format; the previous header's next header, ProtoHopOpts or
// ProtoDstOpts, says which) of length bytes, filled with one PadN option.
// next is the protocol of what follows; length is a multiple of 8 from 8 to
// 2048.
func (b *Builder) IPv6Opts(next uint8, length int) *Builder {
	if length < 8 || length > 2048 || length%8 != 0 {
		panic(fmt.Sprintf("packet: IPv6 options header length %d is not a multiple of 8 from 8 to 2048", length))
	}
	// Hdr Ext Len counts 8-byte units after the first; PadN (type 1)
	// covers the remaining length-2 bytes with its own 2-byte header.
	b.buf = append(b.buf, next, byte(length/8-1), 1, byte(length-4))
	b.buf = append(b.buf, make([]byte, length-4)...)
	return b
}
