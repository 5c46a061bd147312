package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// withBitfield returns memory operand o (at the start of the struct or
// union st) narrowed to its bitfield member f.
func withBitfield(o operand, st *ctype.Type, f ctype.Field) operand {
	o.m.ct = f.Type
	o.m.bf = f
	o.m.bfIn = st.Size
	return o
}

// bitSpan says which bytes hold bitfield f of a struct of size bytes:
// n bytes from byte unit, the field starting shift bits into them. A
// field that fits in a storage unit of its declared type inside the
// struct is read with that unit; otherwise (packed structs) the bytes it
// covers are, which can be nine for a 64-bit field that starts mid-byte.
func bitSpan(f ctype.Field, size int) (unit int64, shift, n int) {
	n = f.Type.Size
	bitpos := f.Offset*8 + f.BitOffset
	u := bitpos / (n * 8) * n
	shift = bitpos - u*8
	if shift+f.BitSize <= n*8 && u+n <= size {
		return int64(u), shift, n
	}
	return int64(f.Offset), f.BitOffset, (f.BitOffset + f.BitSize + 7) / 8
}

// bitfieldType is the IR type of a bitfield's value: uint64_t for an
// unsigned 64-bit declared type (it stays unsigned in arithmetic, as in
// C), int64_t when signed (sign-extended), else the narrowest unsigned
// type holding its bits.
func bitfieldType(f ctype.Field) ir.Type {
	switch {
	case isBool(f.Type):
		return ir.U8
	case f.Type.Signed:
		return ir.I64
	case f.Type.Size == 8:
		return ir.U64
	}
	return ir.Int(roundSize((f.BitSize+7)/8), false)
}

func (g *builder) loadBitfield(o operand) *ir.Value {
	f := o.m.bf
	unit, shift, n := bitSpan(f, o.m.bfIn)
	var x *ir.Value
	if n <= 8 {
		x = g.loadN(o, unit, n, false)
		if shift > 0 {
			x = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(shift)))
		}
	} else {
		// Nine bytes: the low 64-shift bits of the field are in the first
		// eight, the rest in the ninth.
		lo := g.value(ir.OpRsh, ir.U64, g.loadN(o, unit, 8, false), g.konst(int64(shift)))
		hi := g.value(ir.OpLsh, ir.U64, g.loadN(o, unit+8, 1, false), g.konst(int64(64-shift)))
		x = g.value(ir.OpOr, ir.U64, lo, hi)
	}
	if f.BitSize < 64 && shift+f.BitSize < n*8 {
		x = g.value(ir.OpAnd, ir.U64, x, g.konst(int64(1)<<f.BitSize-1))
	}
	t := bitfieldType(f)
	if f.Type.Signed {
		if f.BitSize == 64 {
			return g.retype(x, t)
		}
		sh := g.konst(int64(64 - f.BitSize))
		return g.value(ir.OpArsh, t, g.value(ir.OpLsh, ir.I64, x, sh), sh)
	}
	if x.Op == ir.OpLoad || x.Op == ir.OpLoadOrZero || x.Op == ir.OpPhi {
		return g.retype(x, t) // the load's own type is its width
	}
	x.Type = t
	return x
}

// storeBitfield assigns x to bitfield member o: the bytes holding it
// are read, the field's bits replaced, and written back.
func (g *builder) storeBitfield(o operand, x *ir.Value) {
	f := o.m.bf
	if isBool(f.Type) {
		x = g.boolOf(x)
	}
	unit, shift, n := bitSpan(f, o.m.bfIn)
	if n <= 8 {
		g.replaceBits(o, unit, n, fieldMask(f.BitSize)<<shift, func() *ir.Value { return g.shift(ir.OpLsh, x, shift) })
		return
	}
	// Nine bytes: bits shift..63 of the first eight, then the low bits of
	// the ninth.
	g.replaceBits(o, unit, 8, ^uint64(0)<<shift, func() *ir.Value { return g.shift(ir.OpLsh, x, shift) })
	g.replaceBits(o, unit+8, 1, fieldMask(shift+f.BitSize-64), func() *ir.Value { return g.shift(ir.OpRsh, x, 64-shift) })
}

// fieldMask is a mask of the low bits bits.
func fieldMask(bits int) uint64 {
	if bits >= 64 {
		return ^uint64(0)
	}
	return 1<<bits - 1
}

// shift is x << k or x >> k (logical), folded for constants.
func (g *builder) shift(op ir.Op, x *ir.Value, k int) *ir.Value {
	if k == 0 {
		return x
	}
	if c, ok := x.IsConst(); ok {
		if op == ir.OpLsh {
			return g.konst(c << k)
		}
		return g.konst(int64(uint64(c) >> k))
	}
	return g.value(op, ir.I64, x, g.konst(int64(k)))
}

// replaceBits sets the bits in mask of the n bytes at byte rel of o to
// those of bits().
func (g *builder) replaceBits(o operand, rel int64, n int, mask uint64, bits func() *ir.Value) {
	if full := fieldMask(8 * n); mask&full == full {
		g.storeN(o, rel, n, bits()) // the field is all of the bytes
		return
	}
	old := g.loadN(o, rel, n, false)
	cleared := g.value(ir.OpAnd, ir.I64, old, g.konst(int64(^mask)))
	ins := bits()
	if c, ok := ins.IsConst(); ok {
		ins = g.konst(int64(uint64(c) & mask))
	} else {
		ins = g.value(ir.OpAnd, ir.I64, ins, g.konst(int64(mask)))
	}
	g.storeN(o, rel, n, g.value(ir.OpOr, ir.I64, cleared, ins))
}
