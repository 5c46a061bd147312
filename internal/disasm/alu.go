package disasm

import (
	"fmt"

	"github.com/cilium/ebpf/asm"
)

// aluOps maps the ALU operations written as compound assignments to their
// operator, as llvm-objdump prints them ("r1 s>>= 3").
var aluOps = map[asm.ALUOp]string{
	asm.Add:  "+=",
	asm.Sub:  "-=",
	asm.Mul:  "*=",
	asm.Div:  "/=",
	asm.SDiv: "s/=",
	asm.Or:   "|=",
	asm.And:  "&=",
	asm.LSh:  "<<=",
	asm.RSh:  ">>=",
	asm.Mod:  "%=",
	asm.SMod: "s%=",
	asm.Xor:  "^=",
	asm.ArSh: "s>>=",
	asm.Mov:  "=",
}

// movsxBits maps the sign-extending moves to the width they extend from.
var movsxBits = map[asm.ALUOp]int{
	asm.MovSX8:  8,
	asm.MovSX16: 16,
	asm.MovSX32: 32,
}

// alu renders ALU and ALU64 instructions. ALU (32-bit) operands are wN.
func alu(ins asm.Instruction) (string, bool) {
	op := ins.OpCode
	w := op.Class() == asm.ALUClass
	dst := reg(ins.Dst, w)
	src := imm(ins.Constant)
	if op.Source() == asm.RegSource {
		src = reg(ins.Src, w)
	}

	switch a := op.ALUOp(); a {
	case asm.Swap:
		return swap(ins)
	case asm.Neg:
		// The kernel only accepts the K form of neg; it ignores imm.
		if op.Source() != asm.ImmSource {
			return "", false
		}
		return fmt.Sprintf("%s = -%s", dst, dst), true
	case asm.MovSX8, asm.MovSX16, asm.MovSX32:
		// Only register sources exist, and a 32-bit move cannot
		// sign-extend from 32 bits.
		if op.Source() != asm.RegSource || (w && a == asm.MovSX32) {
			return "", false
		}
		return fmt.Sprintf("%s = (s%d)%s", dst, movsxBits[a], src), true
	default:
		sym, ok := aluOps[a]
		if !ok {
			return "", false
		}
		return fmt.Sprintf("%s %s %s", dst, sym, src), true
	}
}

// swap renders byte swaps: "r0 = be16 r0" and "r0 = le32 r0" convert
// between host and the named byte order (ALU class); "r0 = bswap64 r0"
// swaps unconditionally (ALU64 class). Both print rN, as llvm-objdump and
// the kernel do.
func swap(ins asm.Instruction) (string, bool) {
	switch ins.Constant {
	case 16, 32, 64:
	default:
		return "", false
	}
	name := "bswap"
	if ins.OpCode.Class() == asm.ALU64Class && ins.OpCode.Endianness() != asm.LE {
		// The source bit of an unconditional swap is reserved.
		return "", false
	}
	if ins.OpCode.Class() == asm.ALUClass {
		name = "le"
		if ins.OpCode.Endianness() == asm.BE {
			name = "be"
		}
	}
	dst := reg(ins.Dst, false)
	return fmt.Sprintf("%s = %s%d %s", dst, name, ins.Constant, dst), true
}
