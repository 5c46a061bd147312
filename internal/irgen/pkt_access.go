package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// packetAccess is how a program kind reaches the packet's bytes, chosen
// by its proto.Kind.Packet: the legacy socket-buffer loads of socket
// filters (pkt_skb.go) or direct loads and stores through the packet
// pointer, checked against its end (pkt_direct.go). The dissector chain
// (packet.go) asks it how to read and never tests the kind; writes
// (pkt_write.go) follow the kind's proto.Kind.PacketWrite.
type packetAccess interface {
	// load reads n bytes (1 to 8) at byte rel of position p as a
	// big-endian number: "GET " reads as 0x47455420.
	load(g *builder, p pktRef, rel int64, n int) *ir.Value
	// ctxField is the position a packet field of the context (data,
	// data_end) stands for.
	ctxField(g *builder, f proto.CtxField, name string) operand
}

// packetAccessOf returns the packet access of a kind, nil for kinds
// that see no packet.
func packetAccessOf(k *proto.Kind) packetAccess {
	switch k.Packet {
	case proto.SkbLoads:
		return skbPacket{}
	case proto.DirectPacket:
		return directPacket{}
	}
	return nil
}

// pktRef is a position in the packet: the run-time offset v (nil for
// none) plus off bytes, at the start of header hdr.
type pktRef struct {
	v   *ir.Value
	off int64
	hdr *proto.Header
	// max is the largest value v can have, unknownMax when it is not
	// known: direct access checks a position with a larger one first.
	max int64
	// outer is what must be in the packet for hdr to be there: the
	// fixed part of each header before it on the dissector chain.
	outer *pktNeed
	// sums are the checksums of headers before hdr that cover its bytes
	// (transport checksums cover all that follows them).
	sums *pktSum
	// size is the length of the array field this is the position of
	// (eth.dst: 6), 0 for none.
	size int
	// mixed marks a position paths reached along different headers:
	// which checksums cover it is not known, so it cannot be written.
	mixed bool
	// carrier, when not nil, is the IP-level header (proto.Header.Demux
	// set) whose payload these bytes are: the transport checksum over
	// them is known only at run time, so they cannot be written.
	carrier *proto.Header
}

// unknownMax is pktRef.max for a run-time offset with no known bound.
const unknownMax = int64(1) << 62

// pktNeed says that the packet must hold need bytes past run-time
// offset v (nil: its start), whose largest value is max, and what outer
// says.
type pktNeed struct {
	v     *ir.Value
	max   int64
	need  int64
	outer *pktNeed
}

// pktSum is a header whose checksum covers the bytes of a position, and
// the next such header.
type pktSum struct {
	at   pktRef
	next *pktSum
}

// addMax is the bound of the sum of offsets bounded by a and b.
func addMax(a, b int64) int64 {
	if a >= unknownMax || b >= unknownMax || a < 0 || b < 0 {
		return unknownMax
	}
	return min(a+b, unknownMax)
}

// valueMax is the largest value v can have, as far as lowering knows.
func (g *builder) valueMax(v *ir.Value) int64 {
	if c, ok := v.IsConst(); ok {
		if c < 0 {
			return unknownMax
		}
		return c
	}
	n := g.valueBits(v)
	if n < 0 || n > 32 {
		return unknownMax
	}
	return int64(1)<<n - 1
}

// within is what must be in the packet for a header after p to be
// there: p's own header, and what p needs.
func within(p pktRef) *pktNeed {
	need := p.off + int64(p.hdr.Size)
	outer := p.outer
	// Drop what this need implies: the same base, fewer bytes.
	for outer != nil && outer.v == p.v && outer.need <= need {
		outer = outer.outer
	}
	if outer != nil && outer.v == p.v && outer.need >= need {
		return outer
	}
	return &pktNeed{v: p.v, max: p.max, need: need, outer: outer}
}

// sumsAfter are the checksums covering what follows p's header: those
// covering p's bytes that cover payload too, and p's own when it does.
func sumsAfter(p pktRef) *pktSum {
	if c := p.hdr.Checksum; c != nil && c.Payload {
		return &pktSum{at: p, next: p.sums}
	}
	return p.sums
}

// sumsIn are the checksums covering the bytes of p's header: its own
// and those of headers before it.
func sumsIn(p pktRef) *pktSum {
	if p.hdr.Checksum != nil {
		return &pktSum{at: p, next: p.sums}
	}
	return p.sums
}

// pktLoad reads n bytes at byte rel of position o, big-endian.
func (g *builder) pktLoad(o operand, rel int64, n int) *ir.Value {
	return g.pkt.load(g, o.pkt, rel, n)
}
