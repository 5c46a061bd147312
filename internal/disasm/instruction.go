package disasm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/cilium/ebpf/asm"
)

// Instruction renders one instruction without the index prefix; slot is
// its slot index, used to print the absolute target of jumps and calls.
// An instruction that does not decode renders as ".insn 0x<opcode> …".
func Instruction(ins asm.Instruction, slot int) string {
	var text string
	var ok bool
	switch cls := ins.OpCode.Class(); {
	case ins.OpCode == asm.InvalidOpCode:
	case cls.IsALU():
		text, ok = alu(ins)
	case cls.IsJump():
		text, ok = jump(ins, slot)
	case cls == asm.LdClass:
		text, ok = ld(ins, slot)
	case cls == asm.LdXClass:
		text, ok = ldx(ins)
	case cls == asm.StClass:
		text, ok = st(ins)
	case cls == asm.StXClass:
		text, ok = stx(ins)
	}
	if !ok {
		return unknown(ins)
	}
	return text
}

// unknown renders an instruction that does not decode with all its
// fields, so that a dump never hides one. It shows the kernel's encoding
// where cilium/ebpf can produce it: cilium/ebpf keeps parts of some
// opcodes (sdiv, movsx, atomics) in bits above the opcode byte, and the
// kernel keeps them in off or imm.
func unknown(ins asm.Instruction) string {
	op, off, c := uint32(ins.OpCode), int64(ins.Offset), ins.Constant
	var buf bytes.Buffer
	if _, err := ins.Marshal(&buf, binary.LittleEndian); err == nil {
		raw := buf.Bytes()
		op = uint32(raw[0])
		off = int64(int16(binary.LittleEndian.Uint16(raw[2:4])))
		if !ins.OpCode.IsDWordLoad() {
			c = int64(int32(binary.LittleEndian.Uint32(raw[4:8])))
		}
	}
	if a := ins.OpCode.AtomicOp(); a != asm.InvalidAtomic {
		// cilium/ebpf v0.22.0's Marshal drops the atomic operation
		// from imm, so take it from the opcode.
		c = int64(a >> 8)
	}
	return fmt.Sprintf(".insn %#02x dst=%s src=%s off=%d imm=%d",
		op, reg(ins.Dst, false), reg(ins.Src, false), off, c)
}

// reg names a register: wN when the instruction works on the lower 32
// bits, rN otherwise. R10 is "r10", not cilium/ebpf's "rfp", as in
// llvm-objdump.
func reg(r asm.Register, w bool) string {
	if w {
		return "w" + strconv.Itoa(int(r))
	}
	return "r" + strconv.Itoa(int(r))
}

// imm renders an ordinary immediate in signed decimal.
func imm(v int64) string {
	return strconv.FormatInt(v, 10)
}

// signed renders a relative offset with an explicit sign: "+3", "-4", "+0".
func signed(v int64) string {
	if v < 0 {
		return strconv.FormatInt(v, 10)
	}
	return "+" + strconv.FormatInt(v, 10)
}

// target renders a jump or call destination: the relative offset and the
// absolute slot it lands on, "+35 <39>". The slot after the jump is the
// base, as in the kernel.
func target(off int64, slot int) string {
	return fmt.Sprintf("%s <%d>", signed(off), int64(slot)+1+off)
}
