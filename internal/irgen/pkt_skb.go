package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// skbPacket is the packet of a socket filter, which may not dereference
// skb->data: positions are offsets from the frame's start, read with the
// legacy LD_ABS and LD_IND loads. Those return network order as a number
// and end the program (returning 0) when they reach past the packet.
type skbPacket struct{}

func (skbPacket) load(g *builder, p pktRef, rel int64, n int) *ir.Value {
	switch n {
	case 1, 2, 4:
		base := p.v
		if base == nil {
			base = g.konst(0)
		}
		v := g.value(ir.OpLoadSkbInd, ir.Int(n, false), g.ctx, base)
		v.AuxInt = p.off + rel
		return v
	}
	// Wider or odd sizes: big-endian pieces, shifted together.
	return g.bigEndianPieces(n, func(at int64, k int) *ir.Value { return skbPacket{}.load(g, p, rel+at, k) })
}

// bigEndianPieces reads n bytes as a big-endian number from pieces of 4,
// 2 and 1 bytes that read(at, size) loads, each big-endian.
func (g *builder) bigEndianPieces(n int, read func(at int64, size int) *ir.Value) *ir.Value {
	var acc *ir.Value
	for done := 0; done < n; {
		k := 4
		for k > n-done {
			k /= 2
		}
		piece := read(int64(done), k)
		if acc == nil {
			acc = piece
		} else {
			acc = g.value(ir.OpOr, ir.Int(8, false), g.value(ir.OpLsh, ir.U64, acc, g.konst(int64(8*k))), piece)
		}
		done += k
	}
	acc.Type = ir.Int(roundSize(n), false)
	return acc
}

// ctxField makes data the frame's start and data_end its end: the
// packet's length, skb->len.
func (skbPacket) ctxField(g *builder, f proto.CtxField, name string) operand {
	if f.Name == "data_end" {
		ln, _ := g.kind.Ctx.Field("len")
		return pktOp(pktRef{v: g.ctxLoad(&ln, ln.Off).v, hdr: bytesHeader, max: unknownMax}, name)
	}
	return pktOp(pktRef{hdr: bytesHeader}, name)
}
