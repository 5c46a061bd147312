package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// A write of an IP address or length changes the checksum of the
// transport header whose pseudo-header holds it. That header need not follow
// the IP header directly: IPv6 extension headers (hop-by-hop,
// destination options, routing, fragment) and the authentication header
// can come between, so the write first walks them at run time, unrolled
// up to the IP header's proto.Header.ExtMax. The walk ends at a protocol
// number that is not an extension header's, or finds no transport
// header: an extension header cut short by the end of the packet, a
// fragment but the first, or, for a destination address, a routing
// header with segments left (the pseudo-header then holds the final
// destination, in the routing header). With more extension headers than
// the walk follows, the checksum cannot be found and the write does
// nothing.

// noTransport is the protocol number a walk that found no transport
// header ends with: reserved, and no carried header's.
const noTransport = 0xff

// transportWalk is where a walk from an IP header ended: the header at
// run-time offset v plus off (v at most max), whose protocol number is
// proto, or noTransport. deep, when not nil, is the block reached when
// more extension headers come than the walk follows; it has no end yet.
type transportWalk struct {
	ip    pktRef
	field proto.Field
	v     *ir.Value
	off   int64
	max   int64
	proto *ir.Value
	deep  *ir.Block
}

// walkTransport walks from the IP header at p to what its extension
// headers lead to, for a write of field f (an address or the length).
func (g *builder) walkTransport(p pktRef, f proto.Field) *transportWalk {
	h := p.hdr
	ip := pktOp(p, h.Name)
	pr := g.pktMember(ip, h.Demux, h.Name+"."+h.Demux).v
	pos := g.pktMember(ip, "data", h.Name+".data").pkt
	w := &transportWalk{ip: p, field: f, off: pos.off}
	exit, none := g.newBlock(), g.newBlock()
	type arrival struct {
		b        *ir.Block
		v, proto *ir.Value
	}
	var arrivals []arrival
	leave := func(v, pr *ir.Value) {
		if g.b != nil {
			arrivals = append(arrivals, arrival{g.b, v, pr})
			g.jump(exit)
		}
	}
	// branchTo goes to a new block that leaves with v and pr when c
	// holds, else on.
	branchTo := func(c *ir.Value, target func()) {
		yes, no := g.newBlock(), g.newBlock()
		g.branch(c, yes, no)
		g.enter(yes)
		target()
		g.enter(no)
	}
	if h.Fragment != "" {
		frag := g.pktMember(ip, h.Fragment, h.Name+"."+h.Fragment).v
		branchTo(g.value(ir.OpNe, ir.Bool, frag, g.konst(0)), func() { g.jump(none) })
	}
	ext := extTable(h, f)
	for i := 0; g.b != nil; i++ {
		v := pos.v
		here := pr
		branchTo(g.value(ir.OpGt, ir.Bool, pr, g.konst(63)), func() { leave(v, here) })
		bit := g.protoBit(ext.all, pr)
		branchTo(g.value(ir.OpEq, ir.Bool, bit, g.konst(0)), func() { leave(v, here) })
		if g.b == nil {
			break
		}
		if i == h.ExtMax {
			w.deep = g.b
			g.b = nil
			break
		}
		g.pktCheck(pktNeed{v: pos.v, max: pos.max, need: pos.off + ext.size}, none)
		if g.b == nil {
			break
		}
		base := g.pktAddr(pos.v)
		load := func(fl proto.Field) *ir.Value {
			return g.rawToBE(g.loadRaw(base, pos.off+int64(fl.Off), fl.Size), fl.Size)
		}
		// stopIf goes to none when the field of the headers in mask is
		// not zero.
		stopIf := func(mask int64, fl proto.Field) {
			if mask == 0 {
				return
			}
			x := load(fl)
			if fl.IsBitfield() {
				x = g.value(ir.OpAnd, ir.U64, x, g.konst((int64(1)<<fl.Bits-1)<<(fl.Size*8-fl.Bit-fl.Bits)))
			}
			x = g.value(ir.OpMul, ir.U64, g.protoBit(mask, pr), x)
			branchTo(g.value(ir.OpNe, ir.Bool, x, g.konst(0)), func() { g.jump(none) })
		}
		stopIf(ext.frag, ext.fragField)
		stopIf(ext.routed, ext.routedField)
		if g.b == nil {
			break
		}
		next := load(ext.demux)
		// The length, without branches: the common skip plus, for each
		// way of reading one, the length read times whether it is this
		// header's way.
		n := g.konst(ext.skip)
		grow := ext.skip
		for _, l := range ext.lens {
			x := load(proto.Field{Off: l.next.LoadOff, Size: l.next.LoadSize})
			if full := int64(1)<<(8*l.next.LoadSize) - 1; l.next.Mask != 0 && l.next.Mask != full {
				x = g.value(ir.OpAnd, ir.U64, x, g.konst(l.next.Mask))
			}
			switch {
			case l.next.Shift > 0:
				x = g.value(ir.OpLsh, ir.U64, x, g.konst(int64(l.next.Shift)))
			case l.next.Shift < 0:
				x = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(-l.next.Shift)))
			}
			if l.next.Skip != int(ext.skip) {
				x = g.value(ir.OpAdd, ir.U64, x, g.konst(int64(l.next.Skip)-ext.skip))
			}
			x = g.value(ir.OpMul, ir.U64, g.protoBit(l.mask, pr), x)
			n = g.value(ir.OpAdd, ir.U64, n, x)
			grow += l.next.Max() - ext.skip
		}
		n.Type = ir.U32
		if pos.v == nil {
			pos.v = n
		} else {
			pos.v = g.value(ir.OpAdd, ir.I64, pos.v, n)
		}
		pos.max = addMax(pos.max, grow)
		pr = next
	}
	g.enter(none)
	leave(nil, g.konst(noTransport))
	g.enter(exit)
	w.max = pos.max
	if g.b == nil {
		return w
	}
	vs := make([]*ir.Value, len(exit.Preds))
	ps := make([]*ir.Value, len(exit.Preds))
	for i, pb := range exit.Preds {
		for _, a := range arrivals {
			if a.b == pb {
				vs[i], ps[i] = a.v, a.proto
			}
		}
		if vs[i] == nil {
			vs[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		}
	}
	w.v = g.phi(exit, ir.I64, vs)
	w.proto = g.phi(exit, ir.U64, ps)
	return w
}

// protoBit is 1 when protocol number pr (below 64) has its bit in mask,
// else 0.
func (g *builder) protoBit(mask int64, pr *ir.Value) *ir.Value {
	x := g.value(ir.OpRsh, ir.U64, g.konst(mask), pr)
	return g.value(ir.OpAnd, ir.U64, x, g.konst(1))
}

// extFacts are what a walk needs of an IP header's extension headers:
// the protocol numbers of all, of fragment headers and of routing
// headers (as bits of a mask), the fields to read, and their lengths.
type extFacts struct {
	all, frag, routed      int64
	fragField, routedField proto.Field
	demux                  proto.Field
	size, skip             int64
	lens                   []extLen
}

// extLen is a way of reading an extension header's length, and the
// protocol numbers of the headers read that way.
type extLen struct {
	next proto.Next
	mask int64
}

// extTable gathers the facts of h's extension headers for a write of
// field f (a routing header matters to the destination address only).
func extTable(h *proto.Header, f proto.Field) extFacts {
	var e extFacts
	for i, c := range h.Ext {
		x, _ := proto.Lookup(c.Name)
		bit := int64(1) << c.Proto
		e.all |= bit
		d, _ := x.Field(x.Demux)
		nx := x.Next["data"]
		if i == 0 {
			e.demux, e.size, e.skip = d, int64(x.Size), int64(nx.Skip)
		}
		e.size = min(e.size, int64(x.Size))
		if x.Fragment != "" {
			e.frag |= bit
			e.fragField, _ = x.Field(x.Fragment)
		}
		if x.Routed != "" && f.Dest {
			e.routed |= bit
			e.routedField, _ = x.Field(x.Routed)
		}
		if nx.LoadSize == 0 && nx.Skip == int(e.skip) {
			continue
		}
		found := false
		for k := range e.lens {
			l := &e.lens[k].next
			if l.Skip == nx.Skip && l.LoadOff == nx.LoadOff && l.LoadSize == nx.LoadSize && l.Mask == nx.Mask && l.Shift == nx.Shift {
				e.lens[k].mask |= bit
				found = true
			}
		}
		if !found {
			e.lens = append(e.lens, extLen{next: nx, mask: bit})
		}
	}
	return e
}

// pseudoUpdate adds diff, the change of an address or the length in the
// IP header the walk w started at, to the checksum of the transport
// header the walk ended at: TCP or UDP (and ICMPv6 after IPv6; not UDP
// for the length, its own being in its pseudo-header). It returns what the
// checksum field's change adds to a checksum over it (0 where none
// changed), or nil when no path changes one.
func (g *builder) pseudoUpdate(w *transportWalk, diff *ir.Value) *ir.Value {
	if w.proto == nil {
		return nil
	}
	done := g.newBlock()
	var changes []*ir.Value
	var ends []*ir.Block
	for _, c := range w.ip.hdr.Carries {
		th, _ := proto.Lookup(c.Name)
		if w.field.Length && th.Checksum.OwnLength {
			continue // its pseudo-header holds its own length
		}
		this, next := g.newBlock(), g.newBlock()
		g.branch(g.value(ir.OpEq, ir.Bool, w.proto, g.konst(c.Proto)), this, next)
		g.enter(this)
		t := pktRef{v: w.v, off: w.off, hdr: th, max: w.max}
		cs := th.Checksum
		f, _ := th.Field(cs.Field)
		ch := g.pktChecked(t, int64(f.Off), 2, nil, func(*ir.Value, int64) *ir.Value {
			return g.csumUpdate(t, diff, true)
		})
		if g.b != nil {
			changes, ends = append(changes, ch), append(ends, g.b)
		}
		g.jump(done)
		g.enter(next)
	}
	g.jump(done)
	g.enter(done)
	if g.b == nil {
		return nil
	}
	args := make([]*ir.Value, len(done.Preds))
	for i, pb := range done.Preds {
		for k, e := range ends {
			if e == pb {
				args[i] = changes[k]
			}
		}
		if args[i] == nil {
			args[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		}
	}
	return g.phi(done, ir.U64, args)
}
