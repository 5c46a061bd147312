package disasm

import (
	"fmt"

	"github.com/cilium/ebpf/asm"
)

// gotol is the opcode of the JMP32 "ja" with a 32-bit offset in imm.
var gotol = asm.LongJump("").OpCode

// jumpOps maps conditional jumps to their comparison, as llvm-objdump
// prints them; "s" marks signed comparisons.
var jumpOps = map[asm.JumpOp]string{
	asm.JEq:  "==",
	asm.JNE:  "!=",
	asm.JGT:  ">",
	asm.JGE:  ">=",
	asm.JLT:  "<",
	asm.JLE:  "<=",
	asm.JSGT: "s>",
	asm.JSGE: "s>=",
	asm.JSLT: "s<",
	asm.JSLE: "s<=",
	asm.JSet: "&",
}

// jump renders the JMP and JMP32 classes: goto, conditional jumps, calls,
// exit and may_goto.
func jump(ins asm.Instruction, slot int) (string, bool) {
	op := ins.OpCode
	switch j := op.JumpOp(); j {
	case asm.Exit:
		return "exit", true
	case asm.Call:
		return call(ins, slot)
	case asm.Ja:
		if op.Class() == asm.Jump32Class {
			return "gotol " + jumpTarget(ins, ins.Constant, slot), true
		}
		return "goto " + jumpTarget(ins, int64(ins.Offset), slot), true
	case asm.JCOND:
		if ins.Src != asm.PseudoMayGoto {
			return "", false
		}
		return "may_goto " + jumpTarget(ins, int64(ins.Offset), slot), true
	default:
		cmp, ok := jumpOps[j]
		if !ok {
			return "", false
		}
		w := op.Class() == asm.Jump32Class
		return fmt.Sprintf("if %s %s %s goto %s",
			reg(ins.Dst, w), cmp, operand(ins, w), jumpTarget(ins, int64(ins.Offset), slot)), true
	}
}

// operand renders the right-hand side of a comparison. A jset mask prints
// in hex, as wide as the comparison, because it is a bit pattern.
func operand(ins asm.Instruction, w bool) string {
	switch {
	case ins.OpCode.Source() == asm.RegSource:
		return reg(ins.Src, w)
	case ins.OpCode.JumpOp() != asm.JSet:
		return imm(ins.Constant)
	case w:
		return fmt.Sprintf("%#x", uint32(ins.Constant))
	default:
		return fmt.Sprintf("%#x", uint64(ins.Constant))
	}
}

// jumpTarget renders the destination of a jump, "+35 <39>", or the symbol
// it names while its offset is still a placeholder, "<exit>".
func jumpTarget(ins asm.Instruction, off int64, slot int) string {
	if placeholder(ins) != resolved {
		return "<" + ins.Reference() + ">"
	}
	return target(off, slot)
}

// call renders helper calls, "call bpf_map_lookup_elem#1"; bpf-to-bpf
// calls, "call pc+5 <16>"; and kfunc calls, "call kfunc bpf_obj_drop" by
// name or "call kfunc#1234" by BTF id.
func call(ins asm.Instruction, slot int) (string, bool) {
	switch ins.Src {
	case asm.R0:
		return "call " + helper(ins.Constant), true
	case asm.PseudoCall:
		if placeholder(ins) != resolved {
			return "call <" + ins.Reference() + ">", true
		}
		// The kernel reports the offset of a JIT-compiled program's calls
		// in off rather than imm (bpf_insn_prepare_dump).
		off := ins.Constant
		if ins.Offset != 0 {
			off = int64(ins.Offset)
		}
		return "call pc" + target(off, slot), true
	case asm.PseudoKfuncCall:
		if ref := ins.Reference(); ref != "" {
			return "call kfunc " + ref, true
		}
		return fmt.Sprintf("call kfunc#%d", ins.Constant), true
	}
	return "", false
}
