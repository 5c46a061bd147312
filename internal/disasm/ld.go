package disasm

import (
	"fmt"
	"strconv"

	"github.com/cilium/ebpf/asm"
)

// Source registers of ld_imm64 that cilium/ebpf has no names for
// (include/uapi/linux/bpf.h).
const (
	pseudoBTFID       = asm.R3 // BPF_PSEUDO_BTF_ID: a kernel symbol (ksym)
	pseudoMapIdx      = asm.R5 // BPF_PSEUDO_MAP_IDX: map by index into fd_array
	pseudoMapIdxValue = asm.R6 // BPF_PSEUDO_MAP_IDX_VALUE: value of map by index
)

// ld renders the legacy packet loads and ld_imm64.
func ld(ins asm.Instruction, slot int) (string, bool) {
	switch ins.OpCode.Mode() {
	case asm.ImmMode:
		if ins.OpCode.IsDWordLoad() {
			return ldImm64(ins, slot)
		}
	case asm.AbsMode, asm.IndMode:
		return ldPacket(ins)
	}
	return "", false
}

// ldPacket renders LD_ABS and LD_IND, which read the packet of the
// socket buffer in R6: "r0 = *(u8 *)skb[23]", "r0 = *(u16 *)skb[r7 + 18]".
// An LD_IND offset of zero is omitted: "skb[r8]", as in llvm-objdump.
func ldPacket(ins asm.Instruction) (string, bool) {
	sz := size(ins.OpCode.Size(), false)
	index := imm(ins.Constant)
	if ins.OpCode.Mode() == asm.IndMode {
		index = reg(ins.Src, false)
		switch {
		case ins.Constant > 0:
			index += " + " + imm(ins.Constant)
		case ins.Constant < 0:
			index += " - " + imm(-ins.Constant)
		}
	}
	return fmt.Sprintf("%s = *(%s *)skb[%s]", reg(ins.Dst, false), sz, index), true
}

// ldImm64 renders the two-slot load of a 64-bit immediate, marked " ll"
// as llvm-objdump does, and its pseudo forms that load map pointers, map
// values, kernel symbols and function pointers.
func ldImm64(ins asm.Instruction, slot int) (string, bool) {
	var val string
	fd, off := int64(int32(ins.Constant)), uint32(uint64(ins.Constant)>>32)
	switch ins.Src {
	case asm.R0:
		val = imm64(ins.Constant)
	case asm.PseudoMapFD:
		val = "map[" + mapName(ins) + "]"
	case asm.PseudoMapValue:
		val = fmt.Sprintf("map_value[%s+%d]", mapName(ins), off)
	case pseudoMapIdx:
		val = fmt.Sprintf("map[idx:%d]", fd)
	case pseudoMapIdxValue:
		val = fmt.Sprintf("map_value[idx:%d+%d]", fd, off)
	case pseudoBTFID:
		val = fmt.Sprintf("ksym[btf_id:%d]", fd)
		if ref := ins.Reference(); ref != "" {
			val = "ksym[" + ref + "]"
		}
	case asm.PseudoFunc:
		// The target follows " ll" so that it ends the line, as a jump's does.
		if placeholder(ins) != resolved {
			return fmt.Sprintf("%s = func ll <%s>", reg(ins.Dst, false), ins.Reference()), true
		}
		return fmt.Sprintf("%s = func pc%s ll <%d>", reg(ins.Dst, false), signed(ins.Constant), int64(slot)+1+ins.Constant), true
	default:
		return "", false
	}
	return fmt.Sprintf("%s = %s ll", reg(ins.Dst, false), val), true
}

// mapName names the map an instruction loads: the symbol it references,
// else the file descriptor of its associated map or its encoded
// constant, "fd:3".
func mapName(ins asm.Instruction) string {
	if ref := ins.Reference(); ref != "" {
		return ref
	}
	if m := ins.Map(); m != nil {
		return "fd:" + strconv.Itoa(m.FD())
	}
	return "fd:" + strconv.Itoa(int(int32(ins.Constant)))
}

// imm64 renders an ld_imm64 constant: decimal below a magnitude of
// 0x10000, where constants are counts and offsets, hex with a sign from
// there on, where they are addresses, masks and packed fields.
func imm64(v int64) string {
	mag, sign := uint64(v), ""
	if v < 0 {
		mag, sign = -mag, "-"
	}
	if mag < 0x10000 {
		return strconv.FormatInt(v, 10)
	}
	return sign + "0x" + strconv.FormatUint(mag, 16)
}
