package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
)

// memCompareValue compares the bytes o points at with s, giving a Bool:
// true when they are equal (eq) or differ (!eq). A char buffer longer
// than s must also hold a NUL right after it, as C string equality
// would have it.
func (g *builder) memCompareValue(eq bool, o operand, s string) operand {
	want := []byte(s)
	if o.kind != opPkt {
		size := o.ct.Size
		if len(want) > size {
			return constOp(Bool(!eq))
		}
		if len(want) < size {
			want = append(want, 0)
		}
	}
	var acc *ir.Value
	for off := 0; off < len(want); {
		n := chunk(len(want)-off, int(o.off)+off, o.kind == opPkt)
		x := g.loadChunk(o, off, n)
		var c int64
		if o.kind == opPkt {
			c = pack(string(want[off:off+n]), strBE)
		} else {
			c = pack(string(want[off:off+n]), strRaw)
		}
		d := g.value(ir.OpXor, ir.I64, x, g.konst(c))
		if acc == nil {
			acc = d
		} else {
			acc = g.value(ir.OpOr, ir.I64, acc, d)
		}
		off += n
	}
	irop := ir.OpEq
	if !eq {
		irop = ir.OpNe
	}
	return intOp(g.value(irop, ir.Bool, acc, g.konst(0)))
}

// chunk picks how many bytes to compare at once: 4, 2 or 1, aligned in
// memory (packets need no alignment: LD_ABS reads any offset).
func chunk(left, at int, packet bool) int {
	for _, n := range []int{4, 2} {
		if left >= n && (packet || at%n == 0) {
			return n
		}
	}
	return 1
}

// loadChunk reads n bytes at byte off of what o points at, as memory
// holds them (packets: big-endian).
func (g *builder) loadChunk(o operand, off, n int) *ir.Value {
	switch o.kind {
	case opPkt:
		return g.loadPkt(o, int64(off), n)
	case opStack:
		return g.loadStack(o.slot, o.off+int64(off), ir.Int(n, false))
	case opMapVal:
		return g.loadMapVal(o.v, o.off+int64(off), ir.Int(n, false))
	}
	g.errorf("cannot read bytes from %s", o.kindName())
	return nil
}
