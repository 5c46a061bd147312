package emit

import (
	"math"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/regalloc"
)

func reg(v *ir.Value) asm.Register { return asm.Register(v.Reg) }

func size(n uint8) asm.Size {
	switch n {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	case 4:
		return asm.Word
	}
	return asm.DWord
}

// aluOps are the two-operand ALU instructions of the IR's arithmetic.
var aluOps = map[ir.Op]asm.ALUOp{
	ir.OpAdd: asm.Add, ir.OpSub: asm.Sub, ir.OpMul: asm.Mul, ir.OpDiv: asm.Div,
	ir.OpSDiv: asm.SDiv, ir.OpMod: asm.Mod, ir.OpSMod: asm.SMod, ir.OpAnd: asm.And,
	ir.OpOr: asm.Or, ir.OpXor: asm.Xor, ir.OpLsh: asm.LSh, ir.OpRsh: asm.RSh, ir.OpArsh: asm.ArSh,
}

// bswapSizes are the widths the byte swaps convert to big-endian.
var bswapSizes = map[ir.Op]asm.Size{ir.OpBswap16: asm.Half, ir.OpBswap32: asm.Word, ir.OpBswap64: asm.DWord}

// value emits the instructions computing v.
func (e *emitter) value(v *ir.Value) {
	if op, ok := aluOps[v.Op]; ok {
		e.binary(v, op)
		return
	}
	if v.Op.IsCompare() {
		if !regalloc.Fused(v) {
			// A comparison whose result lives in a register.
			e.add(asm.Mov.Imm(reg(v), 1))
			e.add(e.condJump(v, false, 1))
			e.add(asm.Mov.Imm(reg(v), 0))
		}
		return
	}
	switch v.Op {
	case ir.OpConst:
		if v.Reg >= 0 {
			e.loadConst(reg(v), v.AuxInt)
		}
	case ir.OpArg, ir.OpPhi:
		// In R1 on entry; phis are their argument copies' register.
	case ir.OpCopy:
		e.move(reg(v), reg(v.Args[0]))
	case ir.OpSlotAddr:
		if v.Reg >= 0 {
			e.add(asm.Mov.Reg(reg(v), asm.R10))
			e.add(asm.Add.Imm(reg(v), int32(int64(slotOf(v).Offset)+v.AuxInt)))
		}
	case ir.OpMapPtr:
		m := v.Aux.(*ir.MapRef)
		e.add(asm.LoadMapPtr(reg(v), 0).WithReference(m.Name))
	case ir.OpNeg:
		e.move(reg(v), reg(v.Args[0]))
		e.add(asm.Neg.Imm(reg(v), 0))
	case ir.OpNot:
		e.move(reg(v), reg(v.Args[0]))
		e.add(asm.Xor.Imm(reg(v), -1))
	case ir.OpBswap16, ir.OpBswap32, ir.OpBswap64:
		e.move(reg(v), reg(v.Args[0]))
		e.add(asm.HostTo(asm.BE, reg(v), bswapSizes[v.Op]))
	case ir.OpLoad:
		base, off := e.address(v, 0)
		if signedNarrow(v) {
			// One sign-extending load (BPF ISA v4, Linux 6.6) instead of
			// a load and two shifts.
			e.add(asm.LoadMemSX(reg(v), base, off, size(v.Type.Size)))
			break
		}
		e.add(asm.LoadMem(reg(v), base, off, size(v.Type.Size)))
	case ir.OpFill:
		base, off := e.address(v, 0)
		e.add(asm.LoadMem(reg(v), base, off, asm.DWord))
	case ir.OpLoadOrZero:
		e.move(reg(v), reg(v.Args[0]))
		e.add(asm.Instruction{OpCode: asm.JEq.Op(asm.ImmSource), Dst: reg(v), Offset: 1})
		e.add(asm.LoadMem(reg(v), reg(v), e.off16(v.AuxInt), size(v.Type.Size)))
		e.signExtend(v)
	case ir.OpStore:
		base, off := e.address(v, 0)
		x := v.Args[1]
		if regalloc.Inline(v, 1) {
			e.add(storeImm(base, off, x.AuxInt, size(v.Type.Size)))
		} else {
			e.add(asm.StoreMem(base, off, reg(x), size(v.Type.Size)))
		}
	case ir.OpAtomicAdd:
		base, off := e.address(v, 0)
		e.add(asm.AddAtomic.Mem(base, reg(v.Args[1]), size(v.Type.Size), off))
	case ir.OpLoadSkbAbs:
		e.add(asm.LoadAbs(int32(v.AuxInt), size(v.Type.Size)))
	case ir.OpLoadSkbInd:
		e.add(asm.LoadInd(asm.R0, reg(v.Args[1]), int32(v.AuxInt), size(v.Type.Size)))
	case ir.OpPktPtr:
		// The verifier turns a 32-bit load of data or data_end into a
		// packet pointer; any other width is refused.
		e.add(asm.LoadMem(reg(v), reg(v.Args[0]), e.off16(v.AuxInt), asm.Word))
	case ir.OpCall:
		e.add(v.Aux.(asm.BuiltinFunc).Call())
	default:
		e.fail("no instruction for %v", v.LongString())
	}
}

func slotOf(v *ir.Value) *ir.Slot { return v.Aux.(*ir.Slot) }

// move emits dst = src unless they are the same register.
func (e *emitter) move(dst, src asm.Register) {
	if dst != src {
		e.add(asm.Mov.Reg(dst, src))
	}
}

// loadConst puts c in r with the shortest form: mov (sign-extended
// imm32), mov32 (zero-extended imm32) or ld_imm64.
func (e *emitter) loadConst(r asm.Register, c int64) {
	switch {
	case regalloc.FitsImm(c):
		e.add(asm.Mov.Imm(r, int32(c)))
	case c > 0 && c <= math.MaxUint32:
		e.add(asm.Mov.Imm32(r, int32(uint32(c))))
	default:
		e.add(asm.LoadImm(r, c, asm.DWord))
	}
}

// binary emits a two-address ALU operation: dst = a; dst op= b.
func (e *emitter) binary(v *ir.Value, op asm.ALUOp) {
	dst := reg(v)
	a := v.Args[0]
	if regalloc.Inline(v, 1) {
		e.move(dst, reg(a))
		e.add(op.Imm(dst, int32(v.Args[1].AuxInt)))
		return
	}
	b := reg(v.Args[1])
	if dst == b && dst != reg(a) && v.Op.IsCommutative() {
		e.add(op.Reg(dst, reg(a)))
		return
	}
	if dst == b && dst != reg(a) {
		e.fail("%v: result and second operand share r%d", v, dst)
		return
	}
	e.move(dst, reg(a))
	e.add(op.Reg(dst, b))
}

// address returns the base register and offset for a memory access
// through argument i of v: R10-relative for stack slots.
func (e *emitter) address(v *ir.Value, i int) (asm.Register, int16) {
	p := v.Args[i]
	if regalloc.Inline(v, i) && p.Op == ir.OpSlotAddr {
		return asm.R10, e.off16(int64(slotOf(p).Offset) + p.AuxInt + v.AuxInt)
	}
	return reg(p), e.off16(v.AuxInt)
}

func (e *emitter) off16(off int64) int16 {
	if off < math.MinInt16 || off > math.MaxInt16 {
		e.fail("offset %d out of range", off)
		return 0
	}
	return int16(off)
}

// signedNarrow reports whether v is a signed integer narrower than 64
// bits, which a load must sign-extend.
func signedNarrow(v *ir.Value) bool {
	return v.Type.Kind == ir.KInt && v.Type.Signed && v.Type.Size < 8
}

// signExtend widens a loaded signed value to 64 bits.
func (e *emitter) signExtend(v *ir.Value) {
	if !signedNarrow(v) {
		return
	}
	sh := int32(64 - 8*int(v.Type.Size))
	e.add(asm.LSh.Imm(reg(v), sh))
	e.add(asm.ArSh.Imm(reg(v), sh))
}

// storeImm is *(size *)(dst + off) = imm, including the 64-bit form
// (the kernel sign-extends the 32-bit immediate), which cilium/ebpf's
// constructor does not build.
func storeImm(dst asm.Register, off int16, imm int64, sz asm.Size) asm.Instruction {
	return asm.Instruction{OpCode: asm.StoreImmOp(sz), Dst: dst, Offset: off, Constant: imm}
}
