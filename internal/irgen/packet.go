package irgen

import (
	"math/bits"
	"strings"

	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// pktOffset materialises a packet position as one value (bytes from the
// start of the frame).
func (g *builder) pktOffset(o operand) *ir.Value {
	switch {
	case o.pkt.v == nil:
		return g.konst(o.pkt.off)
	case o.pkt.off == 0:
		return o.pkt.v
	}
	return g.value(ir.OpAdd, ir.I64, o.pkt.v, g.konst(o.pkt.off))
}

// roundSize rounds a byte count up to 1, 2, 4 or 8.
func roundSize(n int) int {
	for _, s := range []int{1, 2, 4} {
		if n <= s {
			return s
		}
	}
	return 8
}

// indexPkt lowers a field, next header or byte of a packet position.
func (g *builder) indexPkt(o, key operand, name string) operand {
	if fname := fieldName(key); fname != "" {
		return g.pktMember(o, fname, name)
	}
	if !o.pkt.hdr.Bytes {
		g.errorf("'%s' is the %s header; index bytes through a byte pointer such as %s.data[i], or read a field by name", name, o.pkt.hdr.Name, o.what)
	}
	p, rel := g.pktIndex(o, key, name)
	return pktByte(g.pktLoad(p, rel, 1))
}

// pktIndex is the place of byte key of byte position o: a position and a
// constant offset from it.
func (g *builder) pktIndex(o, key operand, name string) (operand, int64) {
	if i, ok := key.constInt(); ok && key.kind == opConst {
		return o, i
	}
	i := g.toInt(key, "the index of "+name)
	p := o
	p.pkt.v = g.value(ir.OpAdd, ir.I64, g.pktBase(o), i)
	p.pkt.max = addMax(o.pkt.max, g.valueMax(i))
	return p, 0
}

// pktBase is o's run-time part, or 0.
func (g *builder) pktBase(o operand) *ir.Value {
	if o.pkt.v == nil {
		return g.konst(0)
	}
	return o.pkt.v
}

func pktByte(v *ir.Value) operand {
	return operand{kind: opInt, v: v, str: strRaw, width: 1}
}

// pktMember reads a header field or moves on to a following header.
func (g *builder) pktMember(o operand, fname, name string) operand {
	h := o.pkt.hdr
	if f, ok := h.Field(fname); ok {
		return g.pktField(o, f)
	}
	nx, ok := h.Next[fname]
	if !ok {
		hint := suggest(fname, h.Names())
		if hint == "" {
			// Nothing close (tcp.flags): say what there is.
			hint = " (it has " + strings.Join(h.Names(), ", ") + ")"
		}
		g.errorf("%s has no field or next header '%s'%s", o.what, fname, hint)
	}
	next, _ := proto.Lookup(fname)
	res := pktOp(pktRef{v: o.pkt.v, off: o.pkt.off + int64(nx.Skip), hdr: next, max: o.pkt.max, outer: within(o.pkt), sums: sumsAfter(o.pkt)}, name)
	if next.Bytes && h.Demux != "" {
		res.pkt.carrier = h
	}
	if nx.LoadSize == 0 {
		return res
	}
	// A variable-length header: its length field, masked and scaled, or
	// the optional parts its flags say are there.
	t := g.pktLoad(o, int64(nx.LoadOff), nx.LoadSize)
	if nx.Optional != nil {
		t = g.optionalParts(t, nx.Optional)
	} else {
		if full := int64(1)<<(8*nx.LoadSize) - 1; nx.Mask != 0 && nx.Mask != full {
			t = g.value(ir.OpAnd, ir.I64, t, g.konst(nx.Mask))
		}
		switch {
		case nx.Shift > 0:
			t = g.value(ir.OpLsh, ir.I64, t, g.konst(int64(nx.Shift)))
		case nx.Shift < 0:
			t = g.value(ir.OpRsh, ir.I64, t, g.konst(int64(-nx.Shift)))
		}
	}
	t.Type = ir.U32
	res.pkt.max = addMax(o.pkt.max, nx.Max()-int64(nx.Skip))
	if o.pkt.v == nil {
		res.pkt.v = t
	} else {
		res.pkt.v = g.value(ir.OpAdd, ir.I64, o.pkt.v, t)
	}
	return res
}

// optionalParts is the length of the optional parts whose flags are set
// in flags: for each, (flags & mask) shifted down to 0 or len, summed.
// Every part's length is a power of two.
func (g *builder) optionalParts(flags *ir.Value, parts []proto.Optional) *ir.Value {
	var sum *ir.Value
	for _, p := range parts {
		bit := bits.TrailingZeros64(uint64(p.Mask))
		x := g.value(ir.OpAnd, ir.I64, flags, g.konst(p.Mask))
		switch sh := bits.TrailingZeros64(uint64(p.Len)) - bit; {
		case sh > 0:
			x = g.value(ir.OpLsh, ir.I64, x, g.konst(int64(sh)))
		case sh < 0:
			x = g.value(ir.OpRsh, ir.I64, x, g.konst(int64(-sh)))
		}
		if sum == nil {
			sum = x
		} else {
			sum = g.value(ir.OpAdd, ir.I64, sum, x)
		}
	}
	return sum
}

// pktField reads a header field. Whole multi-byte fields come back in
// network byte order, as the original toolkit has them (scripts call
// bpf.ntoh); bitfields are numbers.
func (g *builder) pktField(o operand, f proto.Field) operand {
	if f.Len > 0 {
		return pktOp(g.pktArray(o.pkt, f), o.what+"."+f.Name)
	}
	x := g.pktLoad(o, int64(f.Off), f.Size)
	if f.IsBitfield() {
		shift := f.Size*8 - f.Bit - f.Bits
		if shift > 0 {
			x = g.value(ir.OpRsh, ir.I64, x, g.konst(int64(shift)))
		}
		if f.Bit > 0 {
			x = g.value(ir.OpAnd, ir.I64, x, g.konst(int64(1)<<f.Bits-1))
		}
		x.Type = ir.Int(roundSize((f.Bits+7)/8), false)
		return operand{kind: opInt, v: x, width: int(x.Type.Size)}
	}
	if f.Size > 1 {
		x = g.value(swapOp(f.Size), ir.Int(f.Size, false), x)
	}
	return operand{kind: opInt, v: x, str: strRaw, width: f.Size}
}

// pktArray is the position of array field f of the header at p: bytes
// there while the whole header is.
func (g *builder) pktArray(p pktRef, f proto.Field) pktRef {
	return pktRef{v: p.v, off: p.off + int64(f.Off), hdr: bytesHeader, max: p.max, outer: within(p), sums: sumsIn(p), size: f.Len * f.Size}
}

func swapOp(size int) ir.Op {
	switch size {
	case 2:
		return ir.OpBswap16
	case 4:
		return ir.OpBswap32
	}
	return ir.OpBswap64
}

// pktSlice reads bytes [a, b) after a byte position as one big-endian
// number: data(0, 4) == 'GET ' compares with the packet's first four
// bytes.
func (g *builder) pktSlice(o operand, a, b operand) operand {
	if !o.pkt.hdr.Bytes {
		g.errorf("slices need a byte pointer such as %s.data; %s is the %s header", o.what, o.what, o.pkt.hdr.Name)
	}
	x, xok := a.constInt()
	y, yok := b.constInt()
	if !xok || !yok || a.kind != opConst || b.kind != opConst {
		g.errorf("slice bounds must be numbers known at compile time, as in data(0, 4)")
	}
	n := y - x
	if n < 1 || n > 8 {
		g.errorf("a slice reads 1 to 8 bytes; data(%d, %d) is %d", x, y, n)
	}
	return operand{kind: opInt, v: g.pktLoad(o, x, int(n)), str: strBE, width: int(n)}
}

// pktArith does arithmetic on packet positions: position ± number is a
// position (in bytes), position - position is a number.
func (g *builder) pktArith(op string, a, b operand) operand {
	if a.kind == opPkt && b.kind == opPkt {
		if op != "-" {
			g.errorf("two packet positions can only be subtracted")
		}
		return intOp(g.value(ir.OpSub, ir.I64, g.pktOffset(a), g.pktOffset(b)))
	}
	if b.kind == opPkt {
		if op != "+" {
			g.errorf("cannot compute a number %s a packet position", op)
		}
		a, b = b, a
	}
	if op != "+" && op != "-" {
		g.errorf("packet positions only support + and -, not '%s'", op)
	}
	res := a
	if c, ok := b.constInt(); ok && b.kind == opConst {
		if op == "-" {
			c = -c
		}
		res.pkt.off += c
		return res
	}
	x := g.toInt(b, "the offset added to "+a.what)
	irop := ir.OpAdd
	res.pkt.max = addMax(a.pkt.max, g.valueMax(x))
	if op == "-" {
		irop = ir.OpSub
		res.pkt.max = unknownMax
	}
	if a.pkt.v == nil {
		if irop == ir.OpSub {
			res.pkt.v = g.value(ir.OpSub, ir.I64, g.konst(0), x)
		} else {
			res.pkt.v = x
		}
		return res
	}
	res.pkt.v = g.value(irop, ir.I64, a.pkt.v, x)
	return res
}
