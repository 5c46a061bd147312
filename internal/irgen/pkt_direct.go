package irgen

import (
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// directPacket is the packet of XDP and TC programs: loaded and stored
// through the context's data pointer, each access after a check that
// the bytes lie before data_end, which the verifier requires.
//
// What a read past the packet gives (the README's Language section): a
// header is there when its fixed part and that of every header before
// it on the dissector chain are in the packet. A field of a header that
// is not there reads 0 (a byte of data, past the end, too), so
// `pkt.ip.proto == 17` is false on a frame too short for an IPv4
// header; a write there does nothing. Each read checks the whole fixed
// part of its header and those before it; the passes then drop every
// check an earlier one on the same path implies (boundselim) and send
// the short frame straight to where a read of 0 leads (jumpthread), so
// one check per header remains, as in hand-written C.
type directPacket struct{}

// maxPacketOff is the largest offset the verifier lets a packet pointer
// have (MAX_PACKET_OFF); a run-time offset that might be larger is
// checked against it before it is added to the packet pointer.
const maxPacketOff = 0xffff

// begin loads the packet pointers at the function's entry: unused, they
// are removed.
func (directPacket) begin(g *builder) {
	g.pktData = &frontend.Local{Name: "(packet start)", ID: -1}
	g.pktEnd = &frontend.Local{Name: "(packet end)", ID: -2}
	g.loadPktPointers()
}

// loadPktPointers reads data and data_end from the context: at the
// start, and again after a helper that moves the packet.
func (g *builder) loadPktPointers() {
	for _, p := range []struct {
		l     *frontend.Local
		field string
		space ir.Space
	}{{g.pktData, "data", ir.SpacePkt}, {g.pktEnd, "data_end", ir.SpacePktEnd}} {
		f, _ := g.kind.Ctx.Field(p.field)
		v := g.value(ir.OpPktPtr, ir.Ptr(p.space), g.ctx)
		v.AuxInt = int64(f.Off)
		g.write(p.l, intOp(v))
	}
}

// pktPointers returns the packet's start and end pointers here.
func (g *builder) pktPointers() (data, end *ir.Value) {
	return g.read(g.pktData, g.b).v, g.read(g.pktEnd, g.b).v
}

// mergePktPointers joins the packet pointers of b's predecessors: a phi
// where a helper moved the packet on some of them.
func (g *builder) mergePktPointers(b *ir.Block, ops []operand) operand {
	same := true
	for _, o := range ops {
		same = same && o.v == ops[0].v
	}
	if same {
		return ops[0]
	}
	args := make([]*ir.Value, len(ops))
	for i, o := range ops {
		args[i] = o.v
	}
	return intOp(g.phi(b, ops[0].v.Type, args))
}

// movedPacket notes that a helper may have moved the packet: the
// pointers are loaded again, since the verifier forgets the old ones.
func (g *builder) movedPacket() {
	if g.pktData != nil {
		g.loadPktPointers()
	}
}

func (directPacket) load(g *builder, p pktRef, rel int64, n int) *ir.Value {
	raw := g.pktChecked(p, rel, n, nil, func(base *ir.Value, off int64) *ir.Value {
		return g.loadRaw(base, off, n)
	})
	return g.rawToBE(raw, n)
}

// loadRaw loads n bytes (1 to 8) at byte off past packet pointer base,
// as memory holds them (little-endian): a load of 1, 2, 4 or 8 bytes, or
// pieces of those put together.
func (g *builder) loadRaw(base *ir.Value, off int64, n int) *ir.Value {
	var acc *ir.Value
	for done := 0; done < n; {
		k := 8
		for k > n-done {
			k /= 2
		}
		x := g.access(ir.OpLoad, ir.Int(k, false), place{p: base}, off+int64(done))
		if acc == nil {
			acc = x
		} else {
			acc = g.value(ir.OpOr, ir.U64, acc, g.value(ir.OpLsh, ir.U64, x, g.konst(int64(8*done))))
		}
		done += k
	}
	acc.Type = ir.Int(roundSize(n), false)
	return acc
}

// rawToBE turns n bytes as memory holds them into their big-endian
// value. The swap comes after the check's merge, so the swap back of a
// header field read cancels it.
func (g *builder) rawToBE(raw *ir.Value, n int) *ir.Value {
	switch n {
	case 1:
		return raw
	case 2, 4, 8:
		return g.value(swapOp(n), ir.Int(n, false), raw)
	}
	x := g.value(ir.OpBswap64, ir.U64, raw)
	x = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(64-8*n)))
	x.Type = ir.Int(roundSize(n), false)
	return x
}

// pktChecked runs access on the bytes [rel, rel+n) of position p when
// they are in the packet, with p's header and those before it (and what
// extra needs): access gets the packet pointer to add p's offset to and
// the offset of byte rel from it. It returns access's value there and 0
// where they are not in the packet (nil when access returns nil).
func (g *builder) pktChecked(p pktRef, rel int64, n int, extra []pktNeed, access func(base *ir.Value, off int64) *ir.Value) *ir.Value {
	p = g.pktFromStart(p, rel)
	need := p.off + rel + int64(n)
	if !p.hdr.Bytes {
		need = max(need, p.off+int64(p.hdr.Size))
	}
	miss := g.newBlock()
	own := needsOf(p, need)
	for _, nd := range extra {
		if !implies(own, nd) {
			g.pktCheck(nd, miss)
		}
	}
	for _, nd := range own {
		g.pktCheck(nd, miss)
	}
	if g.b == nil {
		return nil
	}
	x := access(g.pktAddr(p.v), p.off+rel)
	okEnd := g.b
	join := g.newBlock()
	g.jump(join)
	g.enter(miss)
	missEnd := g.b
	g.jump(join)
	g.enter(join)
	if x == nil || missEnd == nil {
		return x
	}
	args := make([]*ir.Value, len(join.Preds))
	for i, pb := range join.Preds {
		if pb == okEnd {
			args[i] = x
		} else {
			args[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		}
	}
	return g.phi(join, x.Type, args)
}

// pktFromStart makes an access at byte rel of p reach no byte before
// the packet pointer plus p's run-time offset: the verifier refuses
// negative offsets from a packet pointer, so a negative constant offset
// moves into the run-time one. So does the constant offset of a run-time
// one without a known bound, which pktCheck checks whole: a negative
// run-time offset may still reach into the packet with it.
func (g *builder) pktFromStart(p pktRef, rel int64) pktRef {
	unbounded := p.v != nil && p.max >= unknownMax
	if p.off+rel >= 0 && (!unbounded || p.off+rel == 0) {
		return p
	}
	if p.v == nil {
		g.errorf("this reaches %d bytes before the start of the packet", -(p.off + rel))
	}
	p.v = g.value(ir.OpAdd, ir.I64, p.v, g.konst(p.off+rel))
	p.off, p.max = -rel, unknownMax
	return p
}

// needsOf lists the checks an access to the first need bytes of p needs:
// those of the headers before it, outermost first, then its own.
func needsOf(p pktRef, need int64) []pktNeed {
	var out []pktNeed
	for n := p.outer; n != nil; n = n.outer {
		if n.need > 0 && !(n.v == p.v && n.need <= need) {
			out = append(out, *n)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return append(out, pktNeed{v: p.v, max: p.max, need: need})
}

// implies reports whether the needs ns check what n does: one of them
// on the same base reaches at least as far.
func implies(ns []pktNeed, n pktNeed) bool {
	for _, m := range ns {
		if m.v == n.v && m.need >= n.need {
			return true
		}
	}
	return false
}

// pktCheck goes to miss unless the packet holds n.need bytes past its
// run-time offset n.v: "if data + v + need > data_end goto miss", the
// comparison the verifier learns the packet's length from. An offset
// that might be so large that the verifier cannot follow it is first
// checked against maxPacketOff.
func (g *builder) pktCheck(n pktNeed, miss *ir.Block) {
	if g.b == nil {
		return
	}
	if n.need > maxPacketOff {
		g.errorf("this reaches %d bytes into the packet; packet programs reach at most %d", n.need, maxPacketOff)
	}
	if n.v != nil && addMax(n.max, n.need) > maxPacketOff {
		ok := g.newBlock()
		g.branch(g.value(ir.OpGt, ir.Bool, n.v, g.konst(maxPacketOff-n.need)), miss, ok)
		g.enter(ok)
	}
	_, end := g.pktPointers()
	last := g.value(ir.OpAdd, ir.Ptr(ir.SpacePkt), g.pktAddr(n.v), g.konst(n.need))
	ok := g.newBlock()
	g.branch(g.value(ir.OpGt, ir.Bool, last, end), miss, ok)
	g.enter(ok)
}

// pktAddr is the packet pointer plus run-time offset v (none when nil).
func (g *builder) pktAddr(v *ir.Value) *ir.Value {
	data, _ := g.pktPointers()
	if v == nil {
		return data
	}
	return g.value(ir.OpAdd, ir.Ptr(ir.SpacePkt), data, v)
}

// ctxField makes data the frame's start and data_end its end, a position
// the length of the packet past the start (data_end - data: subtracting
// packet pointers needs CAP_PERFMON).
func (directPacket) ctxField(g *builder, f proto.CtxField, name string) operand {
	if f.Name == "data_end" {
		data, end := g.pktPointers()
		return pktOp(pktRef{v: g.value(ir.OpSub, ir.I64, end, data), hdr: bytesHeader, max: unknownMax}, name)
	}
	return pktOp(pktRef{hdr: bytesHeader}, name)
}
