package regalloc

import (
	"math"

	"github.com/luabpf/luabpf/internal/ir"
)

const (
	// R0 holds helper results and the return value.
	R0 = 0
	// NumRegs is how many registers values may live in (R0-R9).
	NumRegs = 10
)

// FitsImm reports whether c fits a sign-extended 32-bit immediate.
func FitsImm(c int64) bool { return c >= math.MinInt32 && c <= math.MaxInt32 }

// Inline reports whether argument i of v is encoded in v's instruction
// (an immediate, or an R10-relative stack address) instead of being read
// from a register: the op table says under which rule (ir.Op.Imm), this
// decides it. Emit and allocation must agree on it, so both call it.
func Inline(v *ir.Value, i int) bool {
	a := v.Args[i]
	rule := v.Op.Imm(i)
	if rule == ir.ImmStackAddr {
		return a.Op == ir.OpSlotAddr
	}
	c, ok := a.IsConst()
	if !ok {
		return false
	}
	switch rule {
	case ir.ImmS32:
		return FitsImm(c)
	case ir.ImmDivisor:
		// The verifier rejects a division by an immediate 0; by a
		// register holding 0 the machine gives 0 (x % 0 gives x), as the
		// README's number rules say.
		return c != 0 && FitsImm(c)
	case ir.ImmShift:
		return c >= 0 && c < 64
	case ir.ImmU32Cmp:
		return FitsImm(c) || Jmp32Imm(v)
	case ir.ImmStored:
		return v.Type.Size < 8 || FitsImm(c)
	}
	return false
}

// Jmp32Imm reports whether comparison v compares a value known to fit
// in 32 unsigned bits with a constant that fits in 32 unsigned bits but
// not in a sign-extended imm32, so a JMP32 instruction can compare them
// without loading the constant.
func Jmp32Imm(v *ir.Value) bool {
	c, ok := v.Args[1].IsConst()
	if !ok || c < 0 || c > math.MaxUint32 || FitsImm(c) {
		return false
	}
	if v.Op.Imm(1) != ir.ImmU32Cmp {
		return false
	}
	t := v.Args[0].Type
	return t.Kind == ir.KInt && !t.Signed && t.Size <= 4
}

// Fused reports whether comparison v is folded into the conditional jump
// that ends its block, so it needs no register of its own.
func Fused(v *ir.Value) bool {
	return v.Op.IsCompare() && v.Uses == 1 && v.Block.Control == v && v.Block.Kind == ir.BlockIf
}

// needsReg reports whether v must be given a register. s.regUse must be
// current (see regUses).
func (s *state) needsReg(v *ir.Value) bool {
	switch {
	case v.Type.Kind == ir.KVoid, !v.Op.HasValue(), Fused(v):
		return false
	case v.Op.IsRemat():
		return s.regUse[v]
	}
	// An op with a fixed result register writes it even when the result
	// is unused: that register is taken there all the same.
	_, fixed := v.Op.ResultReg()
	return v.Uses > 0 || fixed
}

// Dead reports whether v computes a value nothing reads and has no other
// effect: allocation gives it no register and emission skips it.
func Dead(v *ir.Value) bool {
	return v.Uses == 0 && v.Reg < 0 && v.Op.Effect() != ir.WritesMem && v.Type.Kind != ir.KVoid
}

// findRegUses records which values some instruction reads from a
// register (rather than encoding them as an immediate or address).
func (s *state) findRegUses() {
	s.regUse = map[*ir.Value]bool{}
	for _, b := range s.f.Blocks {
		for _, u := range b.Values {
			if Fused(u) {
				continue // read by the block's jump, below
			}
			for i, a := range u.Args {
				if !Inline(u, i) {
					s.regUse[a] = true
				}
			}
		}
		c := b.Control
		switch {
		case c == nil:
		case Fused(c):
			for i, a := range c.Args {
				if !Inline(c, i) {
					s.regUse[a] = true
				}
			}
		default:
			s.regUse[c] = true
		}
	}
}
