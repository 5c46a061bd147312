package irgen

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// Packet writes (XDP and TC). A header field takes what reading it
// gives: a whole multi-byte field its bytes as memory holds them
// (network order: assign hton(53) to a port), a bitfield a number, an
// array field (eth.dst) a number, a string or another array field of
// its size; a byte of data a number. Every checksum over the written
// bytes is updated incrementally (RFC 1624): the header's own, those of
// the transport headers before it whose checksum covers what follows
// them (UDP over a VXLAN tunnel, GRE when its C bit says it has one),
// and, for an IP address, that of the transport header the IP header
// carries (its pseudo-header), past extension headers (pkt_pseudo.go).
// The payload of an IP-level header is not written: which transport
// checksum covers it is known only at run time. XDP
// programs update them themselves; TC programs call bpf_l3_csum_replace
// and bpf_l4_csum_replace with the difference, which also handle the
// socket buffer's checksum state. A write where the bytes are not in the
// packet does nothing.

// Helper flags of bpf_l4_csum_replace.
const (
	csumPseudoHdr   = 0x10 // BPF_F_PSEUDO_HDR: the change is in the pseudo-header
	csumMarkMangled = 0x20 // BPF_F_MARK_MANGLED_0: a zero checksum means none; a computed one is sent as 0xffff
)

// storePkt lowers obj[key] = val where obj is a packet position: a
// header field by name, or a byte of data by index.
func (g *builder) storePkt(obj, key, val operand, name string) {
	if g.kind.PacketWrite == proto.NoPacketWrite {
		g.errorf("%s cannot write to the packet (%s)", g.kind.Noun, name)
	}
	p := obj.pkt
	if p.mixed {
		g.errorf("%s points into different headers on different paths, so the checksums to keep right are not known; assign on each path", baseName(name))
	}
	if fname := fieldName(key); fname != "" {
		f, ok := p.hdr.Field(fname)
		if !ok {
			if _, next := p.hdr.Next[fname]; next {
				g.errorf("%s is a header; assign to its fields, as in %s.%s", name, name, firstField(fname))
			}
			g.errorf("%s has no field '%s'%s", obj.what, fname, suggest(fname, p.hdr.Names()))
		}
		if c := p.hdr.Checksum; c != nil && c.When == f.Name {
			g.errorf("%s says whether the %s checksum is there, so writing it would make other bytes the checksum or stop it being one; it cannot be assigned", name, p.hdr.Name)
		}
		switch {
		case f.Len > 0:
			g.storePktArray(g.pktArray(p, f), f.Len*f.Size, val, name)
		case f.IsBitfield():
			x := g.toInt(val, "the value assigned to "+name)
			g.pktWrite(p, f, int64(f.Off), f.Size, func(old *ir.Value) *ir.Value { return g.setBits(old, f, x) })
		default:
			x := g.toInt(val, "the value assigned to "+name)
			g.pktWrite(p, f, int64(f.Off), f.Size, func(*ir.Value) *ir.Value { return x })
		}
		return
	}
	if !p.hdr.Bytes {
		g.errorf("'%s' is the %s header; assign to a field by name, or to bytes through %s.data[i]", obj.what, p.hdr.Name, obj.what)
	}
	if c := p.carrier; c != nil {
		g.errorf("%s is the payload of the %s header: which transport checksum covers it (TCP, UDP, ICMP) depends on %s.%s at run time, so it cannot be assigned; assign through the transport header, as in pkt.ip.udp.data[i] after testing %s.%s", baseName(name), c.Name, c.Name, c.Demux, c.Name, c.Demux)
	}
	q, rel := g.pktIndex(obj, key, name)
	x := g.toInt(val, "the value assigned to "+name)
	g.pktWrite(q.pkt, proto.Field{}, rel, 1, func(*ir.Value) *ir.Value { return x })
}

// firstField names a field of header name, for messages.
func firstField(name string) string {
	if h, ok := proto.Lookup(name); ok && len(h.Fields) > 0 {
		return h.Fields[0].Name
	}
	return "x"
}

// storePktArray assigns val to the n bytes of array position p.
func (g *builder) storePktArray(p pktRef, n int, val operand, name string) {
	if n > 8 {
		g.errorf("%s is %d bytes; assign to its bytes one at a time, as in %s[0] = x", name, n, name)
	}
	var x *ir.Value
	switch {
	case val.kind == opConst:
		if s, ok := val.c.(String); ok {
			if len(s) > n {
				g.errorf("the string (%d bytes) does not fit in '%s' (%d bytes)", len(s), name, n)
			}
			x = g.konst(pack(string(s), strRaw))
			break
		}
		x = g.toInt(val, "the value assigned to "+name)
	case val.kind == opPkt:
		if val.pkt.size != n {
			g.errorf("cannot assign %s to '%s' (%d bytes): assign a header array of the same size, a number or a string", val.what, name, n)
		}
		x = g.pktRaw(val, n)
	default:
		x = g.toInt(val, "the value assigned to "+name)
	}
	g.pktWrite(p, proto.Field{}, 0, n, func(*ir.Value) *ir.Value { return x })
}

// pktRaw reads the n bytes at position o as memory holds them.
func (g *builder) pktRaw(o operand, n int) *ir.Value {
	be := g.pktLoad(o, 0, n)
	switch n {
	case 1:
		return be
	case 2, 4, 8:
		return g.value(swapOp(n), ir.Int(n, false), be)
	}
	x := g.value(ir.OpBswap64, ir.U64, be)
	x = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(64-8*n)))
	x.Type = ir.Int(roundSize(n), false)
	return x
}

// setBits puts x in bitfield f of old, the field's unit as memory holds
// it, and returns the new unit the same way.
func (g *builder) setBits(old *ir.Value, f proto.Field, x *ir.Value) *ir.Value {
	be := old
	if f.Size > 1 {
		be = g.value(swapOp(f.Size), ir.Int(f.Size, false), old)
	}
	shift := int64(f.Size*8 - f.Bit - f.Bits)
	mask := (int64(1)<<f.Bits - 1) << shift
	keep := g.value(ir.OpAnd, ir.U64, be, g.konst(^mask&(int64(1)<<(8*f.Size)-1)))
	put := g.value(ir.OpAnd, ir.U64, g.value(ir.OpLsh, ir.U64, x, g.konst(shift)), g.konst(mask))
	unit := g.value(ir.OpOr, ir.Int(f.Size, false), keep, put)
	if f.Size > 1 {
		unit = g.value(swapOp(f.Size), ir.Int(f.Size, false), unit)
	}
	return unit
}

// pktWrite writes the n bytes at byte rel of position p (of field f of
// p's header, or none): value gets the bytes there as memory holds them
// and returns the new ones. It keeps every checksum over them right,
// innermost first: the header's own, the transport checksum an IP
// address is in the pseudo-header of, then those of headers before p
// that cover it, each also for the checksum fields already changed
// inside what it covers (VXLAN's UDP checksum covers the inner headers'
// checksums).
func (g *builder) pktWrite(p pktRef, f proto.Field, rel int64, n int, value func(old *ir.Value) *ir.Value) {
	var own *pktRef
	if c := p.hdr.Checksum; c != nil && f.Name != c.Field {
		own = &p
	}
	var walk *transportWalk
	if (f.Pseudo || f.Length) && p.hdr.Demux != "" {
		walk = g.walkTransport(p, f)
	}
	var extra []pktNeed
	for s := p.sums; s != nil; s = s.next {
		extra = append(extra, *within(s.at))
	}
	g.pktChecked(p, rel, n, extra, func(base *ir.Value, off int64) *ir.Value {
		old := g.loadRaw(base, off, n)
		x := value(old)
		g.storeRaw(base, off, n, x)
		diffs := map[parity]*ir.Value{}
		diff := func(par parity) *ir.Value {
			if d := diffs[par]; d != nil {
				return d
			}
			d := g.csumDiff(old, x, n, par)
			if par.v == nil {
				diffs[par] = d
			}
			return d
		}
		var changed []fieldChange
		if own != nil {
			ch := g.csumUpdate(*own, diff(g.parityIn(p, rel, *own)), false)
			changed = append(changed, fieldChange{at: p, change: ch})
			if f.Length && own.hdr.Checksum.OwnLength && g.b != nil {
				// UDP's length is in its pseudo-header too.
				ch := g.csumUpdate(*own, diff(parity{}), true)
				changed = append(changed, fieldChange{at: p, change: ch})
			}
		}
		if walk != nil && g.b != nil {
			if ch := g.pseudoUpdate(walk, diff(parity{})); ch != nil {
				changed = append(changed, fieldChange{at: p, change: ch})
			}
		}
		for s := p.sums; s != nil && g.b != nil; s = s.next {
			d := diff(g.parityIn(p, rel, s.at))
			for _, c := range changed {
				d = g.value(ir.OpAdd, ir.U64, d, g.rotate(c.change, g.parityIn(c.at, 0, s.at)))
			}
			changed = append(changed, fieldChange{at: s.at, change: g.csumUpdate(s.at, d, false)})
		}
		return nil
	})
	if walk != nil && walk.deep != nil {
		// Too many extension headers to find the transport checksum:
		// the write does nothing.
		end := g.newBlock()
		g.jump(end)
		g.b = walk.deep
		g.jump(end)
		g.enter(end)
	}
}

// fieldChange is what a checksum field's change, inside the header at
// at (at an even offset from its start), adds to a checksum over it.
type fieldChange struct {
	at     pktRef
	change *ir.Value
}

// rotate moves a ones' complement sum of words by a byte when par says
// they lie at an odd offset: that swaps the bytes of every word, which
// multiplies the sum by 256.
func (g *builder) rotate(x *ir.Value, par parity) *ir.Value {
	switch {
	case par.v != nil:
		return g.value(ir.OpLsh, ir.U64, x, g.value(ir.OpLsh, ir.U64, par.v, g.konst(3)))
	case par.odd:
		return g.value(ir.OpLsh, ir.U64, x, g.konst(8))
	}
	return x
}

// storeRaw stores the n bytes (1 to 8) of x, as memory holds them, at
// byte off past packet pointer base: one store of 1, 2, 4 or 8 bytes, or
// pieces of those.
func (g *builder) storeRaw(base *ir.Value, off int64, n int, x *ir.Value) {
	for done := 0; done < n; {
		k := 8
		for k > n-done {
			k /= 2
		}
		part := x
		if done > 0 {
			if c, ok := x.IsConst(); ok {
				part = g.konst(int64(uint64(c) >> (8 * done)))
			} else {
				part = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(8*done)))
			}
		}
		g.access(ir.OpStore, ir.Int(k, false), place{p: base}, off+int64(done), part)
		done += k
	}
}

// parity is whether a byte lies at an odd offset from the start of the
// bytes a checksum covers: known (odd), or the run-time value v (0 or
// 1) when v is not nil.
type parity struct {
	odd bool
	v   *ir.Value
}

// parityIn is the parity of byte rel of p within the header at h.
func (g *builder) parityIn(p pktRef, rel int64, h pktRef) parity {
	d := p.off + rel - h.off
	if p.v == h.v {
		return parity{odd: d&1 != 0}
	}
	var x *ir.Value
	switch {
	case h.v == nil:
		x = p.v
	case p.v == nil:
		x = g.value(ir.OpSub, ir.I64, g.konst(0), h.v)
	default:
		x = g.value(ir.OpSub, ir.I64, p.v, h.v)
	}
	if d != 0 {
		x = g.value(ir.OpAdd, ir.I64, x, g.konst(d))
	}
	return parity{v: g.value(ir.OpAnd, ir.U64, x, g.konst(1))}
}

// csumDiff is what changing n bytes from old to x (both as memory holds
// them) adds to a ones' complement checksum over them, as a 32-bit
// ones' complement sum: the 16-bit words of x less those of old. Byte
// order does not matter to ones' complement sums (RFC 1071), so the
// words are those of the host; a byte at an odd offset from the start
// of the checksummed bytes is the other half of its word.
func (g *builder) csumDiff(old, x *ir.Value, n int, par parity) *ir.Value {
	// 8 * 0xffff is a ones' complement zero at least the sum of old's
	// words (at most six, for eight bytes at an odd offset): adding it
	// keeps the difference positive.
	const zero = 8 * 0xffff
	d := g.value(ir.OpSub, ir.I64, g.konst(zero), g.csumWords(old, n, par))
	return g.value(ir.OpAdd, ir.U32, d, g.csumWords(x, n, par))
}

// csumWords sums the 16-bit words of the n bytes of x (n <= 8) at
// parity par, without folding: below 2^19.
func (g *builder) csumWords(x *ir.Value, n int, par parity) *ir.Value {
	if n < 8 {
		x = g.value(ir.OpAnd, ir.U64, x, g.konst(int64(1)<<(8*n)-1))
	}
	if n > 4 && (par.odd || par.v != nil) {
		// Shifted by a byte, eight bytes do not fit in 64 bits: sum the
		// halves, each four bytes from an even distance.
		lo := g.value(ir.OpAnd, ir.U64, x, g.konst(0xffffffff))
		hi := g.value(ir.OpRsh, ir.U64, x, g.konst(32))
		return g.value(ir.OpAdd, ir.U64, g.csumWords(lo, 4, par), g.csumWords(hi, n-4, par))
	}
	width := n
	switch {
	case par.v != nil:
		x = g.value(ir.OpLsh, ir.U64, x, g.value(ir.OpLsh, ir.U64, par.v, g.konst(3)))
		width++
	case par.odd:
		x = g.value(ir.OpLsh, ir.U64, x, g.konst(8))
		width++
	}
	if width <= 2 {
		return x
	}
	sum := g.value(ir.OpAnd, ir.U64, x, g.konst(0xffff))
	for sh := 16; sh < 8*width; sh += 16 {
		w := g.value(ir.OpRsh, ir.U64, x, g.konst(int64(sh)))
		if sh+16 < 8*width {
			w = g.value(ir.OpAnd, ir.U64, w, g.konst(0xffff))
		}
		sum = g.value(ir.OpAdd, ir.U64, sum, w)
	}
	return sum
}

// csumUpdate adds diff to the checksum of the header at h (a pseudo-
// header change when pseudo is set), as the kind updates checksums. It
// returns what the checksum field's change adds to a checksum over the
// field: diff's negation, or 0 when the field stays (a UDP checksum of
// 0 means none; a checksum whose flag says it is not there).
func (g *builder) csumUpdate(h pktRef, diff *ir.Value, pseudo bool) *ir.Value {
	c := h.hdr.Checksum
	if c.When == "" {
		return g.csumApply(h, diff, pseudo)
	}
	// The flag says whether the checksum is there; the field lies past
	// the header's fixed part, so it is checked against the end too.
	flag, _ := h.hdr.Field(c.When)
	f, _ := h.hdr.Field(c.Field)
	on := g.pktField(pktOp(h, h.hdr.Name), flag).v
	from := g.b
	yes, join := g.newBlock(), g.newBlock()
	g.branch(g.value(ir.OpNe, ir.Bool, on, g.konst(0)), yes, join)
	g.enter(yes)
	ch := g.pktChecked(h, int64(f.Off), 2, nil, func(*ir.Value, int64) *ir.Value {
		return g.csumApply(h, diff, pseudo)
	})
	g.jump(join)
	g.enter(join)
	if g.b == nil {
		return nil
	}
	args := make([]*ir.Value, len(join.Preds))
	for i, pb := range join.Preds {
		if pb == from || ch == nil {
			args[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		} else {
			args[i] = ch
		}
	}
	return g.phi(join, ir.U64, args)
}

// csumApply is csumUpdate for a checksum that is there.
func (g *builder) csumApply(h pktRef, diff *ir.Value, pseudo bool) *ir.Value {
	c := h.hdr.Checksum
	f, _ := h.hdr.Field(c.Field)
	at := h.off + int64(f.Off)
	// The negation, of diff folded to 17 bits: 2 * 0xffff less it.
	folded := g.value(ir.OpAdd, ir.U64, g.value(ir.OpAnd, ir.U64, diff, g.konst(0xffff)), g.value(ir.OpRsh, ir.U64, diff, g.konst(16)))
	change := g.value(ir.OpSub, ir.U64, g.konst(2*0xffff), folded)
	var hc *ir.Value
	if c.ZeroNone {
		if g.kind.PacketWrite == proto.WriteSkb {
			// An earlier helper of this write may have moved the
			// packet: check the field against the new end.
			hc = g.pktChecked(h, int64(f.Off), 2, nil, func(base *ir.Value, off int64) *ir.Value {
				return g.access(ir.OpLoad, ir.U16, place{p: base}, off)
			})
		} else {
			hc = g.access(ir.OpLoad, ir.U16, place{p: g.pktAddr(h.v)}, at)
		}
		change = g.value(ir.OpMul, ir.U64, change, g.value(ir.OpNe, ir.Bool, hc, g.konst(0)))
	}
	if g.kind.PacketWrite == proto.WriteSkb {
		off := g.konst(at)
		if h.v != nil {
			off = g.value(ir.OpAdd, ir.I64, h.v, off)
		}
		fn, flags := asm.FnL4CsumReplace, int64(0)
		if c.L3 {
			fn = asm.FnL3CsumReplace
		}
		if pseudo {
			flags |= csumPseudoHdr
		}
		if c.ZeroNone {
			flags |= csumMarkMangled
		}
		g.callHelper(fn, "keeping the "+h.hdr.Name+" checksum right", g.ctx, off, g.konst(0), diff, g.konst(flags))
		g.movedPacket()
		return change
	}
	base := g.pktAddr(h.v)
	if hc == nil {
		hc = g.access(ir.OpLoad, ir.U16, place{p: base}, at)
	}
	store := func() {
		// ~(~HC + diff), folded to 16 bits (RFC 1624, eqn. 3).
		s := g.value(ir.OpAdd, ir.U64, g.value(ir.OpXor, ir.U64, hc, g.konst(0xffff)), diff)
		for range 2 {
			s = g.value(ir.OpAdd, ir.U64, g.value(ir.OpAnd, ir.U64, s, g.konst(0xffff)), g.value(ir.OpRsh, ir.U64, s, g.konst(16)))
		}
		nc := g.value(ir.OpXor, ir.U16, s, g.konst(0xffff))
		if c.ZeroNone {
			// A computed 0 is sent as 0xffff: (nc - 1) >> 48 is 0xffff
			// exactly when nc is 0.
			nc = g.value(ir.OpOr, ir.U16, nc, g.value(ir.OpRsh, ir.U64, g.value(ir.OpSub, ir.I64, nc, g.konst(1)), g.konst(48)))
		}
		g.access(ir.OpStore, ir.U16, place{p: base}, at, nc)
	}
	if !c.ZeroNone {
		store()
		return change
	}
	// A zero checksum says there is none: it stays.
	upd, join := g.newBlock(), g.newBlock()
	g.branch(g.value(ir.OpNe, ir.Bool, hc, g.konst(0)), upd, join)
	g.enter(upd)
	store()
	g.jump(join)
	g.enter(join)
	return change
}
