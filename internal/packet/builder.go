package packet

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// A Builder accumulates the headers of one frame. Each method appends a
// header and returns the same Builder, so calls chain; Bytes finishes the
// lengths and checksums. The zero value is an empty frame ready to use.
type Builder struct {
	buf []byte
	// fixups fill in lengths and checksums once the frame's end is known.
	// Bytes applies them last to first, so inner headers are final before
	// an outer checksum covers them.
	fixups []func(frame []byte)
	// pseudo is the innermost IP header so far; UDP, TCP and ICMPv6
	// checksums cover its pseudo-header.
	pseudo *pseudoHeader
}

// pseudoHeader holds what a transport checksum needs from its IP header.
type pseudoHeader struct {
	src, dst netip.Addr
}

// New returns an empty Builder. Start with [Builder.Eth], or use
// [Ethernet] to start with a default Ethernet header.
func New() *Builder {
	return &Builder{}
}

// Len returns the number of bytes added so far: the offset at which the
// next header will start.
func (b *Builder) Len() int {
	return len(b.buf)
}

// Payload appends p as it is.
func (b *Builder) Payload(p []byte) *Builder {
	b.buf = append(b.buf, p...)
	return b
}

// Bytes returns the frame with all lengths and checksums filled in. It
// returns a new slice on every call and leaves b unchanged, so more headers
// may follow.
func (b *Builder) Bytes() []byte {
	frame := append([]byte(nil), b.buf...)
	for i := len(b.fixups) - 1; i >= 0; i-- {
		b.fixups[i](frame)
	}
	return frame
}

// fixup registers fn to run on the finished frame.
func (b *Builder) fixup(fn func(frame []byte)) {
	b.fixups = append(b.fixups, fn)
}

// Checksum returns the Internet checksum (RFC 1071) of data: the ones'
// complement of the ones' complement sum of its 16-bit big-endian words,
// with an odd trailing byte padded with zero. A header that carries a
// correct checksum sums to zero, so Checksum(header) == 0 verifies it.
func Checksum(data []byte) uint16 {
	return ^fold(sum(0, data))
}

// sum adds data's 16-bit big-endian words to acc without folding carries.
func sum(acc uint32, data []byte) uint32 {
	for len(data) >= 2 {
		acc += uint32(binary.BigEndian.Uint16(data))
		data = data[2:]
	}
	if len(data) == 1 {
		acc += uint32(data[0]) << 8
	}
	return acc
}

// fold folds the carries of a 32-bit ones' complement sum into 16 bits.
func fold(acc uint32) uint16 {
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return uint16(acc)
}

// transportChecksum returns the checksum of segment, whose protocol is
// proto, over the pseudo-header of ph (RFC 768 and RFC 9293 for IPv4,
// RFC 8200 section 8.1 for IPv6). Without an IP header (ph == nil) there is
// no pseudo-header.
func transportChecksum(ph *pseudoHeader, proto uint8, segment []byte) uint16 {
	var acc uint32
	if ph != nil {
		src, dst := ph.src.AsSlice(), ph.dst.AsSlice()
		acc = sum(acc, src)
		acc = sum(acc, dst)
		n := uint32(len(segment))
		acc += n>>16 + n&0xffff
		acc += uint32(proto)
	}
	return ^fold(sum(acc, segment))
}

// put16 and put32 write big-endian fields.
func put16(b []byte, v uint16) { binary.BigEndian.PutUint16(b, v) }
func put32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

// addr4 returns the 4 bytes of an IPv4 address; the zero Addr is 0.0.0.0.
func addr4(a netip.Addr, what string) [4]byte {
	if !a.IsValid() {
		return [4]byte{}
	}
	if !a.Is4() {
		panic(fmt.Sprintf("packet: %s %v is not an IPv4 address", what, a))
	}
	return a.As4()
}

// addr16 returns the 16 bytes of an IPv6 address; the zero Addr is ::.
func addr16(a netip.Addr, what string) [16]byte {
	if !a.IsValid() {
		return [16]byte{}
	}
	if !a.Is6() {
		panic(fmt.Sprintf("packet: %s %v is not an IPv6 address", what, a))
	}
	return a.As16()
}
