package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// Memory operands (opMem: stack objects, map values, ...) are read and
// written here, through their memory's methods. Two things decide how:
//
//   - A run-time index (operand.index) is only safe, and only accepted
//     by the verifier, when it is below the array's length; every access
//     through one runs after that check (at). An out-of-range element
//     reads as zeros and is not written; a helper or map operation on one
//     does not run.
//   - The verifier refuses misaligned stack accesses, and a packed
//     struct's members may be misaligned: such an access is split into
//     the widest aligned pieces (pieces), read little-endian (the byte
//     order of every architecture ctype lays out) and recombined.

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

// place is where a memory access goes: byte off of stack slot slot, or
// byte off past pointer p.
type place struct {
	slot *ir.Slot
	p    *ir.Value
	off  int64
}

// ptr is the address of byte rel of pl as one value, for helper
// arguments.
func (g *builder) ptr(pl place, rel int64) *ir.Value {
	switch {
	case pl.slot != nil:
		return g.slotAddr(pl.slot, pl.off+rel)
	case pl.off+rel == 0:
		return pl.p
	}
	return g.value(ir.OpAdd, pl.p.Type, pl.p, g.konst(pl.off+rel))
}

// access appends a load or store (op) of type t at byte rel of pl.
func (g *builder) access(op ir.Op, t ir.Type, pl place, rel int64, args ...*ir.Value) *ir.Value {
	p := pl.p
	if pl.slot != nil {
		p = g.slotAddr(pl.slot, 0)
	}
	v := g.value(op, t, append([]*ir.Value{p}, args...)...)
	v.AuxInt = pl.off + rel
	return v
}

// alignOf is the largest of 8, 4, 2 and 1 that divides n.
func alignOf(n int64) int {
	for _, a := range []int{8, 4, 2} {
		if n%int64(a) == 0 {
			return a
		}
	}
	return 1
}

// memAlign is the alignment known for byte rel of memory operand o:
// stack slots and map values start 8-aligned, and a run-time index
// moves by multiples of the element size. Memory copied in by a helper
// has no alignment to keep.
func memAlign(o operand, rel int64) int {
	if !o.m.has(memDirect) {
		return 8
	}
	a := alignOf(o.m.off + rel)
	if o.m.index != nil {
		a = min(a, alignOf(int64(o.m.scale)))
	}
	return a
}

// span is one access of a split one: size bytes at byte at.
type span struct{ at, size int }

// pieces splits the n bytes at byte rel of o into the widest accesses of
// at most widest bytes that are aligned, in address order; at is
// relative to rel.
func pieces(o operand, rel int64, n, widest int) []span {
	var out []span
	for done := 0; done < n; {
		k := min(widest, memAlign(o, rel+int64(done)))
		for k > n-done {
			k /= 2
		}
		out = append(out, span{done, k})
		done += k
	}
	return out
}

// at runs fn on the place of o's memory where accessing it is safe:
// when o has a run-time index, only if it is in bounds; when o is a map
// value that may be null, only if it is not. Where fn does not run,
// orElse does (when it is not nil). at returns the value fn returns,
// merged with orElse's (or 0) on the other paths; nil when fn returns
// nil.
func (g *builder) at(o operand, fn func(pl place) *ir.Value, orElse func() *ir.Value) *ir.Value {
	m := o.m
	pl0, nullable := m.mem.address(g)
	pl0.off += m.off
	if m.index == nil && !nullable {
		return fn(pl0)
	}
	ok, join := g.newBlock(), g.newBlock()
	bad := join
	if orElse != nil {
		bad = g.newBlock()
	}
	base := pl0.p
	if pl0.slot != nil {
		base = g.slotAddr(pl0.slot, 0)
	}
	if nullable {
		next := ok
		if m.index != nil {
			next = g.newBlock()
		}
		g.branch(g.value(ir.OpNe, ir.Bool, base, g.konst(0)), next, bad)
		g.enter(next)
	}
	p := base
	if m.index != nil {
		if m.bound >= 0 {
			g.branch(g.value(ir.OpLt, ir.Bool, m.index, g.konst(int64(m.bound))), ok, bad)
		} else {
			g.jump(ok)
		}
		g.enter(ok)
		scaled := m.index
		if m.scale != 1 {
			scaled = g.value(ir.OpMul, ir.I64, m.index, g.konst(int64(m.scale)))
		}
		t := base.Type
		t.MaybeNull = false
		p = g.value(ir.OpAdd, t, base, scaled)
	}
	v := fn(place{p: p, off: pl0.off})
	okEnd := g.b
	g.jump(join)
	var w *ir.Value
	var badEnd *ir.Block
	if orElse != nil {
		g.enter(bad)
		w = orElse()
		badEnd = g.b
		g.jump(join)
	}
	g.enter(join)
	if v == nil {
		return nil
	}
	args := make([]*ir.Value, len(join.Preds))
	for i, pb := range join.Preds {
		switch {
		case pb == okEnd:
			args[i] = v
		case pb == badEnd && w != nil:
			args[i] = w
		default:
			args[i] = g.inBlock(pb, func() *ir.Value { return g.konst(0) })
		}
	}
	return g.phi(join, v.Type, args)
}

// load reads t at byte rel of memory operand o (index applied).
func (g *builder) load(o operand, rel int64, t ir.Type) *ir.Value {
	return g.loadN(o, rel, int(t.Size), t.Signed)
}

// loadN reads the n bytes (1 to 8) at byte rel of o as an integer,
// sign-extended when signed.
func (g *builder) loadN(o operand, rel int64, n int, signed bool) *ir.Value {
	ps := pieces(o, rel, n, 8)
	mem := o.m.mem
	if o.m.index == nil && len(ps) == 1 {
		if pl, nullable := mem.address(g); nullable && mem.flags()&memDirect != 0 {
			// A missing map value reads 0, in one instruction.
			v := g.value(ir.OpLoadOrZero, ir.Int(n, signed), pl.p)
			v.AuxInt = pl.off + o.m.off + rel
			return v
		}
	}
	return g.at(o, func(pl place) *ir.Value { return g.loadAt(mem, pl, rel, ps, signed) }, nil)
}

// loadAt reads the pieces at byte rel of pl in mem and puts them
// together.
func (g *builder) loadAt(mem memory, pl place, rel int64, ps []span, signed bool) *ir.Value {
	if len(ps) == 1 {
		return mem.load(g, pl, rel, ps[0].size, signed)
	}
	var acc *ir.Value
	for _, s := range ps {
		x := mem.load(g, pl, rel+int64(s.at), s.size, false)
		if acc == nil {
			acc = x
			continue
		}
		acc = g.value(ir.OpOr, ir.U64, acc, g.value(ir.OpLsh, ir.U64, x, g.konst(int64(8*s.at))))
	}
	last := ps[len(ps)-1]
	n := last.at + last.size
	if signed && n < 8 {
		sh := g.konst(int64(64 - 8*n))
		return g.value(ir.OpArsh, ir.Int(roundSize(n), true), g.value(ir.OpLsh, ir.I64, acc, sh), sh)
	}
	acc.Type = ir.Int(roundSize(n), false)
	return acc
}

// storeMem writes the low t.Size bytes of x at byte rel of memory
// operand o; nothing when o is out of bounds or a null map value.
func (g *builder) storeMem(o operand, rel int64, t ir.Type, x *ir.Value) {
	g.storeN(o, rel, int(t.Size), x)
}

// storeN writes the low n bytes (1 to 8) of x at byte rel of o.
func (g *builder) storeN(o operand, rel int64, n int, x *ir.Value) {
	g.needWritable(o)
	ps := pieces(o, rel, n, 8)
	mem := o.m.mem
	g.at(o, func(pl place) *ir.Value {
		g.storeAt(mem, pl, rel, ps, x)
		return nil
	}, nil)
}

// needWritable stops with an error unless o's memory may be written.
func (g *builder) needWritable(o operand) {
	if !o.m.has(memWritable) {
		g.errorf("%s is %s, which kernel code can read but not write", o.what, o.m.mem.describe())
	}
}

// storeAt writes x's bytes in the pieces at byte rel of pl in mem.
func (g *builder) storeAt(mem memory, pl place, rel int64, ps []span, x *ir.Value) {
	for _, s := range ps {
		part := x
		if s.at > 0 {
			if c, ok := x.IsConst(); ok {
				part = g.konst(c >> (8 * s.at))
			} else {
				part = g.value(ir.OpRsh, ir.U64, x, g.konst(int64(8*s.at)))
			}
		}
		mem.store(g, pl, rel+int64(s.at), s.size, part)
	}
}

// loadScalar reads the scalar (or bitfield) memory operand o refers to.
func (g *builder) loadScalar(o operand) *ir.Value {
	if o.m.bf.BitSize > 0 {
		return g.loadBitfield(o)
	}
	return g.load(o, 0, scalarType(o.m.ct))
}

// storeScalar assigns a number to a scalar or bitfield memory operand;
// a bool stores 1 for any non-zero value, as C converts to bool.
func (g *builder) storeScalar(o operand, x *ir.Value) {
	if o.m.bf.BitSize > 0 {
		g.storeBitfield(o, x)
		return
	}
	if isBool(o.m.ct) {
		x = g.boolOf(x)
	}
	g.storeMem(o, 0, scalarType(o.m.ct), x)
}

// copyMem copies size bytes from src to dst memory. An out-of-range or
// missing source copies zeros.
func (g *builder) copyMem(dst, src operand, size int) {
	// Each access must be aligned in both objects: split where either
	// needs it (a piece aligned in the source alone can be misaligned
	// in the destination when they start at offsets of different
	// alignments, as strs[1] of char [3][5] into a char [8]).
	var ps []span
	for done := 0; done < size; {
		k := min(8, memAlign(dst, int64(done)), memAlign(src, int64(done)))
		for k > size-done {
			k /= 2
		}
		ps = append(ps, span{done, k})
		done += k
	}
	g.needWritable(dst)
	dm, sm := dst.m.mem, src.m.mem
	g.at(dst, func(d place) *ir.Value {
		g.at(src, func(sp place) *ir.Value {
			for _, s := range ps {
				x := sm.load(g, sp, int64(s.at), s.size, false)
				dm.store(g, d, int64(s.at), s.size, x)
			}
			return nil
		}, func() *ir.Value {
			g.storeAt(dm, d, 0, ps, g.konst(0))
			return nil
		})
		return nil
	}, nil)
}
