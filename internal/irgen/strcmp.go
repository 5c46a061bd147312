package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
)

// memCompareValue compares the bytes o points at with s, giving a Bool:
// true when they are equal (eq) or differ (!eq). A char buffer longer
// than s must also hold a NUL right after it, as C string equality
// would have it. An array element out of range (or a missing map value)
// compares as zeros.
func (g *builder) memCompareValue(eq bool, o operand, s string) operand {
	want := []byte(s)
	if o.kind == opPkt {
		if len(want) == 0 {
			return constOp(Bool(eq)) // no bytes to differ
		}
		return intOp(g.compareChunks(eq, want, func(off, n int) *ir.Value { return g.pktLoad(o, int64(off), n) }, nil))
	}
	size := o.m.ct.Size
	if len(want) > size {
		return constOp(Bool(!eq))
	}
	if len(want) < size {
		want = append(want, 0)
	}
	if len(want) == 0 {
		return constOp(Bool(eq))
	}
	// Compare in pieces of at most 4 bytes: constants wider than 32 bits
	// would each take a 64-bit load.
	ps := pieces(o, 0, len(want), 4)
	mem := o.m.mem
	res := g.at(o, func(pl place) *ir.Value {
		return g.compareChunks(eq, want, func(at, n int) *ir.Value {
			return mem.load(g, pl, int64(at), n, false)
		}, ps)
	}, func() *ir.Value {
		zeros := true
		for _, c := range want {
			zeros = zeros && c == 0
		}
		return g.konst(b2i(zeros == eq))
	})
	return intOp(res)
}

// compareChunks compares want with the bytes load reads, in the given
// pieces (nil: packet pieces of up to 4 bytes, read big-endian).
func (g *builder) compareChunks(eq bool, want []byte, load func(at, n int) *ir.Value, ps []span) *ir.Value {
	order := strRaw
	if ps == nil {
		order = strBE
		for off := 0; off < len(want); {
			n := chunk(len(want) - off)
			ps = append(ps, span{off, n})
			off += n
		}
	}
	var acc *ir.Value
	for _, p := range ps {
		d := g.value(ir.OpXor, ir.I64, load(p.at, p.size), g.konst(pack(string(want[p.at:p.at+p.size]), order)))
		if acc == nil {
			acc = d
		} else {
			acc = g.value(ir.OpOr, ir.I64, acc, d)
		}
	}
	irop := ir.OpEq
	if !eq {
		irop = ir.OpNe
	}
	return g.value(irop, ir.Bool, acc, g.konst(0))
}

// chunk picks how many packet bytes to compare at once: 4, 2 or 1
// (LD_ABS reads any offset).
func chunk(left int) int {
	for _, n := range []int{4, 2} {
		if left >= n {
			return n
		}
	}
	return 1
}
