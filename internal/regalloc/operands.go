package regalloc

import (
	"math"

	"github.com/luabpf/luabpf/internal/ir"
)

// Register numbers.
const (
	R0  = 0
	R1  = 1
	R6  = 6
	R10 = 10
	// NumRegs is how many registers values may live in (R0-R9).
	NumRegs = 10
)

// callerSaved are the registers calls and skb loads clobber.
const callerSaved = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5

// FitsImm reports whether c fits a sign-extended 32-bit immediate.
func FitsImm(c int64) bool { return c >= math.MinInt32 && c <= math.MaxInt32 }

// Inline reports whether argument i of v is encoded in v's instruction
// (an immediate, or an R10-relative stack address) instead of being read
// from a register. Emit and allocation must agree on it, so both call it.
func Inline(v *ir.Value, i int) bool {
	a := v.Args[i]
	switch v.Op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpAnd, ir.OpOr, ir.OpXor:
		c, ok := a.IsConst()
		return i == 1 && ok && FitsImm(c)
	case ir.OpDiv, ir.OpSDiv, ir.OpMod, ir.OpSMod:
		// The verifier rejects a division by an immediate 0; by a
		// register holding 0 the machine gives 0 (x % 0 gives x), as the
		// README's number rules say.
		c, ok := a.IsConst()
		return i == 1 && ok && c != 0 && FitsImm(c)
	case ir.OpLsh, ir.OpRsh, ir.OpArsh:
		c, ok := a.IsConst()
		return i == 1 && ok && c >= 0 && c < 64
	case ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe,
		ir.OpSLt, ir.OpSLe, ir.OpSGt, ir.OpSGe, ir.OpTst:
		c, ok := a.IsConst()
		return i == 1 && ok && (FitsImm(c) || Jmp32Imm(v))
	case ir.OpLoad, ir.OpStore, ir.OpAtomicAdd:
		if i == 0 && a.Op == ir.OpSlotAddr {
			return true
		}
		if v.Op == ir.OpStore && i == 1 {
			c, ok := a.IsConst()
			return ok && (v.Type.Size < 8 || FitsImm(c))
		}
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
	switch v.Op {
	case ir.OpEq, ir.OpNe, ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpTst:
	default:
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
	case v.Type.Kind == ir.KVoid:
		return false
	case v.Op == ir.OpStore, v.Op == ir.OpAtomicAdd:
		return false
	case v.Op.IsCompare() && Fused(v):
		return false
	case remat(v):
		return s.regUse[v]
	}
	return v.Uses > 0 || v.Op == ir.OpCall || v.Op == ir.OpLoadSkbInd || v.Op == ir.OpLoadSkbAbs || v.Op == ir.OpArg
}

// Dead reports whether v computes a value nothing reads and has no other
// effect: allocation gives it no register and emission skips it.
func Dead(v *ir.Value) bool {
	return v.Uses == 0 && v.Reg < 0 && v.Op.Effect() != ir.WritesMem && v.Type.Kind != ir.KVoid
}

// remat reports whether v is cheap to recompute at each use.
func remat(v *ir.Value) bool {
	return v.Op == ir.OpConst || v.Op == ir.OpSlotAddr || v.Op == ir.OpMapPtr
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

// clobbers reports whether v's instruction overwrites R0-R5.
func clobbers(v *ir.Value) bool {
	return v.Op == ir.OpCall || v.Op == ir.OpLoadSkbInd || v.Op == ir.OpLoadSkbAbs
}

// twoAddress reports whether v's instruction computes into the register
// of its first argument (dst op= src).
func twoAddress(v *ir.Value) bool {
	switch v.Op {
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv, ir.OpSDiv, ir.OpMod, ir.OpSMod,
		ir.OpAnd, ir.OpOr, ir.OpXor, ir.OpLsh, ir.OpRsh, ir.OpArsh,
		ir.OpNeg, ir.OpNot, ir.OpBswap16, ir.OpBswap32, ir.OpBswap64, ir.OpLoadOrZero:
		return true
	}
	return false
}
