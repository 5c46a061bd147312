package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// scalarType is the IR type of a C scalar.
func scalarType(ct *ctype.Type) ir.Type {
	switch ct.Kind {
	case ctype.Int:
		return ir.Int(ct.Size, ct.Signed)
	case ctype.Bool:
		return ir.U8
	case ctype.Pointer:
		return ir.U64
	}
	return ir.I64
}

// slotAddr is the address of byte off of slot s.
func (g *builder) slotAddr(s *ir.Slot, off int64) *ir.Value {
	v := g.value(ir.OpSlotAddr, ir.Ptr(ir.SpaceStack))
	v.Aux = s
	v.AuxInt = off
	return v
}

func (g *builder) loadStack(s *ir.Slot, off int64, t ir.Type) *ir.Value {
	v := g.value(ir.OpLoad, t, g.slotAddr(s, 0))
	v.AuxInt = off
	return v
}

// loadMapVal reads through a map value pointer; a null pointer reads 0.
func (g *builder) loadMapVal(p *ir.Value, off int64, t ir.Type) *ir.Value {
	op := ir.OpLoad
	if p.Type.MaybeNull {
		op = ir.OpLoadOrZero
	}
	v := g.value(op, t, p)
	v.AuxInt = off
	return v
}

// base returns the pointer and constant offset memory operand o is at.
func (g *builder) base(o operand) (*ir.Value, int64) {
	if o.kind == opStack {
		return g.slotAddr(o.slot, 0), o.off
	}
	return o.v, o.off
}

// load reads t at byte rel of memory operand o (index applied).
func (g *builder) load(o operand, rel int64, t ir.Type) *ir.Value {
	if o.index != nil {
		return g.guarded(o, func(p *ir.Value) *ir.Value {
			v := g.value(ir.OpLoad, t, p)
			v.AuxInt = rel
			return v
		})
	}
	if o.kind == opStack {
		return g.loadStack(o.slot, o.off+rel, t)
	}
	return g.loadMapVal(o.v, o.off+rel, t)
}

// guarded computes the address of a run-time indexed element and, only
// when the index is in bounds (which is what lets the verifier accept
// the access), runs fn on it; out of bounds gives 0.
func (g *builder) guarded(o operand, fn func(p *ir.Value) *ir.Value) *ir.Value {
	ok, bad, join := g.newBlock(), g.newBlock(), g.newBlock()
	base, off := g.base(o)
	if o.kind == opMapVal && base.Type.MaybeNull {
		mid := g.newBlock()
		g.branch(g.value(ir.OpNe, ir.Bool, base, g.konst(0)), mid, bad)
		g.enter(mid)
	}
	g.branch(g.value(ir.OpLt, ir.Bool, o.index, g.konst(int64(max(o.bound, 0)))), ok, bad)
	g.enter(ok)
	scaled := o.index
	if o.scale != 1 {
		scaled = g.value(ir.OpMul, ir.I64, o.index, g.konst(int64(o.scale)))
	}
	t := base.Type
	t.MaybeNull = false
	p := g.value(ir.OpAdd, t, base, scaled)
	if off != 0 {
		p = g.value(ir.OpAdd, t, p, g.konst(off))
	}
	v := fn(p)
	okEnd := g.b
	g.jump(join)
	g.enter(bad)
	g.jump(join)
	g.enter(join)
	if v == nil {
		return nil
	}
	args := make([]*ir.Value, len(join.Preds))
	for i, pb := range join.Preds {
		if pb == okEnd {
			args[i] = v
		} else {
			args[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		}
	}
	return g.phi(join, v.Type, args)
}

// loadScalar reads the scalar (or bitfield) memory operand o refers to.
func (g *builder) loadScalar(o operand) *ir.Value {
	if o.bf.BitSize > 0 {
		return g.loadBitfield(o)
	}
	return g.load(o, 0, scalarType(o.ct))
}

// bitUnit returns where the storage unit of bitfield f starts (relative
// to the struct) and the field's shift within it, reading f.Type's size.
func bitUnit(f ctype.Field) (unitOff int64, shift int, size int) {
	size = f.Type.Size
	bitpos := f.Offset*8 + f.BitOffset
	unit := bitpos / (size * 8) * size
	shift = bitpos - unit*8
	if shift+f.BitSize > size*8 {
		// A packed field straddling units: read enough whole bytes.
		unit = f.Offset
		shift = f.BitOffset
		size = roundSize((f.BitOffset + f.BitSize + 7) / 8)
	}
	return int64(unit), shift, size
}

func (g *builder) loadBitfield(o operand) *ir.Value {
	f := o.bf
	unit, shift, size := bitUnit(f)
	x := g.load(o, unit, ir.Int(size, false))
	if shift > 0 {
		x = g.value(ir.OpRsh, ir.I64, x, g.konst(int64(shift)))
	}
	if shift+f.BitSize < size*8 {
		x = g.value(ir.OpAnd, ir.I64, x, g.konst(int64(1)<<f.BitSize-1))
	}
	if f.Type.Signed {
		sh := int64(64 - f.BitSize)
		x = g.value(ir.OpArsh, ir.I64, g.value(ir.OpLsh, ir.I64, x, g.konst(sh)), g.konst(sh))
		return x
	}
	x.Type = ir.Int(roundSize((f.BitSize+7)/8), false)
	return x
}

// storeMem writes x (t) at byte rel of memory operand o; through a map
// value that may be null, only when it is not.
func (g *builder) storeMem(o operand, rel int64, t ir.Type, x *ir.Value) {
	do := func(p *ir.Value, off int64) {
		v := g.value(ir.OpStore, t, p, x)
		v.AuxInt = off
	}
	if o.index != nil {
		g.guarded(o, func(p *ir.Value) *ir.Value { do(p, rel); return nil })
		return
	}
	if o.kind == opStack {
		do(g.slotAddr(o.slot, 0), o.off+rel)
		return
	}
	g.ifNonNull(o.v, func(p *ir.Value) { do(p, o.off+rel) })
}

// ifNonNull runs fn only when map value pointer p is not null.
func (g *builder) ifNonNull(p *ir.Value, fn func(p *ir.Value)) {
	if !p.Type.MaybeNull {
		fn(p)
		return
	}
	then, join := g.newBlock(), g.newBlock()
	g.branch(g.value(ir.OpNe, ir.Bool, p, g.konst(0)), then, join)
	g.enter(then)
	fn(p)
	g.jump(join)
	g.enter(join)
}

// storeScalar assigns a number to a scalar or bitfield memory operand.
func (g *builder) storeScalar(o operand, x *ir.Value) {
	if o.bf.BitSize == 0 {
		g.storeMem(o, 0, scalarType(o.ct), x)
		return
	}
	f := o.bf
	unit, shift, size := bitUnit(f)
	mask := (int64(1)<<f.BitSize - 1) << shift
	old := g.load(o, unit, ir.Int(size, false))
	cleared := g.value(ir.OpAnd, ir.I64, old, g.konst(^mask))
	ins := g.value(ir.OpAnd, ir.I64, g.value(ir.OpLsh, ir.I64, x, g.konst(int64(shift))), g.konst(mask))
	g.storeMem(o, unit, ir.Int(size, false), g.value(ir.OpOr, ir.I64, cleared, ins))
}
