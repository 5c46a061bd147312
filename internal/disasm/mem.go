package disasm

import (
	"fmt"
	"strconv"

	"github.com/cilium/ebpf/asm"
)

// Atomic operations cilium/ebpf builds only through constructors.
var (
	loadAcquire  = asm.LoadAcquire(asm.R0, asm.R0, asm.DWord, 0).OpCode.AtomicOp()
	storeRelease = asm.StoreRelease(asm.R0, asm.R0, asm.DWord, 0).OpCode.AtomicOp()
)

// atomicOps maps the read-modify-write atomics to their operator and the
// name of their fetch form.
var atomicOps = map[asm.AtomicOp]struct{ sym, name string }{
	asm.AddAtomic: {"+=", "add"},
	asm.AndAtomic: {"&=", "and"},
	asm.OrAtomic:  {"|=", "or"},
	asm.XorAtomic: {"^=", "xor"},
}

// fetchOps maps the fetch atomics to the plain operation they fetch.
var fetchOps = map[asm.AtomicOp]asm.AtomicOp{
	asm.FetchAdd: asm.AddAtomic,
	asm.FetchAnd: asm.AndAtomic,
	asm.FetchOr:  asm.OrAtomic,
	asm.FetchXor: asm.XorAtomic,
}

// size names a memory access width: "u8" … "u64", or "s8" … "s32" for
// sign-extending loads. The size field has two bits, so every load or
// store opcode has one of the four sizes.
func size(s asm.Size, signed bool) string {
	if signed {
		return "s" + strconv.Itoa(8*s.Sizeof())
	}
	return "u" + strconv.Itoa(8*s.Sizeof())
}

// mem renders a memory operand, "*(u32 *)(r10 - 4)".
func mem(sz string, base asm.Register, off int16) string {
	return fmt.Sprintf("*(%s *)%s", sz, addr(base, off))
}

// addr renders a base register plus offset, "(r10 - 4)", "(r0 + 0)".
func addr(base asm.Register, off int16) string {
	if off < 0 {
		return fmt.Sprintf("(%s - %d)", reg(base, false), -int(off))
	}
	return fmt.Sprintf("(%s + %d)", reg(base, false), off)
}

// ldx renders loads from memory, "r0 = *(u32 *)(r1 + 4)", and
// sign-extending loads, "r0 = *(s8 *)(r1 + 2)".
func ldx(ins asm.Instruction) (string, bool) {
	mode := ins.OpCode.Mode()
	if mode != asm.MemMode && (mode != asm.MemSXMode || ins.OpCode.Size() == asm.DWord) {
		return "", false
	}
	sz := size(ins.OpCode.Size(), mode == asm.MemSXMode)
	return fmt.Sprintf("%s = %s", reg(ins.Dst, false), mem(sz, ins.Src, ins.Offset)), true
}

// st renders stores of an immediate, "*(u32 *)(r10 - 8) = 1".
func st(ins asm.Instruction) (string, bool) {
	if ins.OpCode.Mode() != asm.MemMode {
		return "", false
	}
	sz := size(ins.OpCode.Size(), false)
	return fmt.Sprintf("%s = %s", mem(sz, ins.Dst, ins.Offset), imm(ins.Constant)), true
}

// stx renders stores of a register, "*(u32 *)(r10 - 4) = r0", and atomics.
func stx(ins asm.Instruction) (string, bool) {
	sz := size(ins.OpCode.Size(), false)
	switch ins.OpCode.Mode() {
	case asm.MemMode:
		return fmt.Sprintf("%s = %s", mem(sz, ins.Dst, ins.Offset), reg(ins.Src, false)), true
	case asm.AtomicMode:
		return atomic(ins, sz)
	}
	return "", false
}

// atomic renders the atomic operations in llvm-objdump's words, with rN
// registers for every width as the kernel prints them:
//
//	lock *(u64 *)(r1 + 0) += r2
//	r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
//	r2 = atomic_xchg((u64 *)(r1 + 0), r2)
//	r0 = atomic_cmpxchg((u64 *)(r1 + 0), r0, r2)
//	r0 = load_acquire((u64 *)(r1 + 0))
//	store_release((u64 *)(r1 + 0), r2)
func atomic(ins asm.Instruction, sz string) (string, bool) {
	op := ins.OpCode.AtomicOp()
	dst, src := reg(ins.Dst, false), reg(ins.Src, false)
	ptr := fmt.Sprintf("(%s *)%s", sz, addr(ins.Dst, ins.Offset))
	if a, ok := atomicOps[op]; ok {
		return fmt.Sprintf("lock %s %s %s", mem(sz, ins.Dst, ins.Offset), a.sym, src), true
	}
	if plain, ok := fetchOps[op]; ok {
		return fmt.Sprintf("%s = atomic_fetch_%s(%s, %s)", src, atomicOps[plain].name, ptr, src), true
	}
	switch op {
	case asm.Xchg:
		return fmt.Sprintf("%s = atomic_xchg(%s, %s)", src, ptr, src), true
	case asm.CmpXchg:
		return fmt.Sprintf("r0 = atomic_cmpxchg(%s, r0, %s)", ptr, src), true
	case loadAcquire:
		// The address is src + off here, unlike every other atomic.
		return fmt.Sprintf("%s = load_acquire((%s *)%s)", dst, sz, addr(ins.Src, ins.Offset)), true
	case storeRelease:
		return fmt.Sprintf("store_release(%s, %s)", ptr, src), true
	}
	return "", false
}
