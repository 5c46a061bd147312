package packet

import "fmt"

// UDP appends a UDP header with ports src and dst. Its length runs to the
// end of the frame; its checksum covers the pseudo-header of the innermost
// IP header before it (a computed 0 is sent as 0xffff, RFC 768).
func (b *Builder) UDP(src, dst uint16) *Builder {
	start, ph := len(b.buf), b.pseudo
	b.buf = append(b.buf, byte(src>>8), byte(src), byte(dst>>8), byte(dst), 0, 0, 0, 0)
	b.fixup(func(frame []byte) {
		seg := frame[start:]
		put16(seg[4:], uint16(len(seg)))
		c := transportChecksum(ph, ProtoUDP, seg)
		if c == 0 {
			c = 0xffff
		}
		put16(seg[6:], c)
	})
	return b
}

// TCP is a TCP header. The data offset follows from Options; the checksum
// is computed by [Builder.Bytes].
type TCP struct {
	Src, Dst uint16 // ports
	Seq, Ack uint32
	Flags    uint8 // TCPSyn, TCPAck, ...
	Window   uint16
	Urgent   uint16
	// Options are copied after the fixed header and padded with zeros
	// (end of option list) to a multiple of 4 bytes; at most 40 bytes.
	Options []byte
}

// TCP appends a TCP header. Its checksum covers the pseudo-header of the
// innermost IP header before it and everything after it.
func (b *Builder) TCP(h TCP) *Builder {
	if len(h.Options) > 40 {
		panic(fmt.Sprintf("packet: %d bytes of TCP options, at most 40 fit", len(h.Options)))
	}
	hlen := TCPHdrLen + (len(h.Options)+3)&^3
	start, ph := len(b.buf), b.pseudo
	b.buf = append(b.buf, byte(h.Src>>8), byte(h.Src), byte(h.Dst>>8), byte(h.Dst),
		byte(h.Seq>>24), byte(h.Seq>>16), byte(h.Seq>>8), byte(h.Seq),
		byte(h.Ack>>24), byte(h.Ack>>16), byte(h.Ack>>8), byte(h.Ack),
		byte(hlen/4)<<4, h.Flags, byte(h.Window>>8), byte(h.Window),
		0, 0, byte(h.Urgent>>8), byte(h.Urgent)) // checksum, urgent pointer
	b.buf = append(b.buf, h.Options...)
	b.buf = append(b.buf, make([]byte, hlen-TCPHdrLen-len(h.Options))...)
	b.fixup(func(frame []byte) {
		seg := frame[start:]
		put16(seg[16:], transportChecksum(ph, ProtoTCP, seg))
	})
	return b
}

// ICMPEcho appends an ICMP echo message of type typ (ICMPEchoRequest or
// ICMPEchoReply) with identifier id and sequence number seq. Its checksum
// covers the message to the end of the frame (ICMP has no pseudo-header).
func (b *Builder) ICMPEcho(typ uint8, id, seq uint16) *Builder {
	start := len(b.buf)
	b.echo(typ, id, seq)
	b.fixup(func(frame []byte) {
		put16(frame[start+2:], Checksum(frame[start:]))
	})
	return b
}

// ICMPv6Echo appends an ICMPv6 echo message of type typ
// (ICMPv6EchoRequest or ICMPv6EchoReply). Its checksum covers the
// pseudo-header of the innermost IP header before it.
func (b *Builder) ICMPv6Echo(typ uint8, id, seq uint16) *Builder {
	start, ph := len(b.buf), b.pseudo
	b.echo(typ, id, seq)
	b.fixup(func(frame []byte) {
		put16(frame[start+2:], transportChecksum(ph, ProtoICMPv6, frame[start:]))
	})
	return b
}

// echo appends an echo message with a zero checksum.
func (b *Builder) echo(typ uint8, id, seq uint16) {
	b.buf = append(b.buf, typ, 0, 0, 0, byte(id>>8), byte(id), byte(seq>>8), byte(seq))
}

// VXLAN appends a VXLAN header with the valid-VNI flag and network
// identifier vni (24 bits). Follow it with [Builder.Eth] for the inner
// frame; it usually rides in UDP to PortVXLAN.
func (b *Builder) VXLAN(vni uint32) *Builder {
	if vni > 0xffffff {
		panic(fmt.Sprintf("packet: VXLAN network identifier %#x does not fit in 24 bits", vni))
	}
	b.buf = append(b.buf, 0x08, 0, 0, 0, byte(vni>>16), byte(vni>>8), byte(vni), 0)
	return b
}
