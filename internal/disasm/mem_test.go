package disasm

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

func TestLoadStore(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "ldx u8", ins: asm.LoadMem(asm.R0, asm.R1, 2, asm.Byte), want: "r0 = *(u8 *)(r1 + 2)"},
		{name: "ldx u16", ins: asm.LoadMem(asm.R0, asm.R1, 2, asm.Half), want: "r0 = *(u16 *)(r1 + 2)"},
		{name: "ldx u32", ins: asm.LoadMem(asm.R1, asm.R6, 24, asm.Word), want: "r1 = *(u32 *)(r6 + 24)"},
		{name: "ldx u64", ins: asm.LoadMem(asm.R7, asm.R0, 0, asm.DWord), want: "r7 = *(u64 *)(r0 + 0)"},
		{name: "ldx negative offset", ins: asm.LoadMem(asm.R8, asm.R10, -16, asm.DWord), want: "r8 = *(u64 *)(r10 - 16)"},
		{name: "ldx lowest offset", ins: asm.LoadMem(asm.R8, asm.R10, -32768, asm.DWord), want: "r8 = *(u64 *)(r10 - 32768)"},
		{name: "ldxsx s8", ins: asm.LoadMemSX(asm.R0, asm.R1, 2, asm.Byte), want: "r0 = *(s8 *)(r1 + 2)"},
		{name: "ldxsx s16", ins: asm.LoadMemSX(asm.R0, asm.R1, -2, asm.Half), want: "r0 = *(s16 *)(r1 - 2)"},
		{name: "ldxsx s32", ins: asm.LoadMemSX(asm.R0, asm.R1, 4, asm.Word), want: "r0 = *(s32 *)(r1 + 4)"},
		{name: "st u8", ins: asm.StoreImm(asm.R10, -1, 7, asm.Byte), want: "*(u8 *)(r10 - 1) = 7"},
		{name: "st u16", ins: asm.StoreImm(asm.R10, -2, 7, asm.Half), want: "*(u16 *)(r10 - 2) = 7"},
		{name: "st u32", ins: asm.StoreImm(asm.R10, -8, 1, asm.Word), want: "*(u32 *)(r10 - 8) = 1"},
		{name: "st u64", ins: asm.Instruction{OpCode: asm.StoreImmOp(asm.DWord), Dst: asm.R10, Offset: -8, Constant: -1}, want: "*(u64 *)(r10 - 8) = -1"},
		{name: "stx u8", ins: asm.StoreMem(asm.R10, -1, asm.R1, asm.Byte), want: "*(u8 *)(r10 - 1) = r1"},
		{name: "stx u16", ins: asm.StoreMem(asm.R10, -2, asm.R1, asm.Half), want: "*(u16 *)(r10 - 2) = r1"},
		{name: "stx u32", ins: asm.StoreMem(asm.R10, -4, asm.R0, asm.Word), want: "*(u32 *)(r10 - 4) = r0"},
		{name: "stx u64", ins: asm.StoreMem(asm.R10, -16, asm.R0, asm.DWord), want: "*(u64 *)(r10 - 16) = r0"},
		{name: "stx positive offset", ins: asm.StoreMem(asm.R1, 8, asm.R2, asm.DWord), want: "*(u64 *)(r1 + 8) = r2"},
		{name: "ldxsx u64", ins: asm.Instruction{OpCode: asm.LoadMemSXOp(asm.DWord), Dst: asm.R0, Src: asm.R1}, want: ".insn 0x99 dst=r0 src=r1 off=0 imm=0"},
		{name: "ldx abs mode", ins: asm.Instruction{OpCode: asm.OpCode(0x31), Dst: asm.R0, Constant: 1}, want: ".insn 0x31 dst=r0 src=r0 off=0 imm=1"},
		{name: "st atomic mode", ins: asm.Instruction{OpCode: asm.OpCode(0xda), Dst: asm.R1}, want: ".insn 0xda dst=r1 src=r0 off=0 imm=0"},
		{name: "stx ind mode", ins: asm.Instruction{OpCode: asm.OpCode(0x5b), Dst: asm.R1, Src: asm.R2}, want: ".insn 0x5b dst=r1 src=r2 off=0 imm=0"},
	})
}

func TestAtomic(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "xadd u32", ins: asm.StoreXAdd(asm.R0, asm.R1, asm.Word), want: "lock *(u32 *)(r0 + 0) += r1"},
		{name: "add u64", ins: asm.AddAtomic.Mem(asm.R1, asm.R2, asm.DWord, 0), want: "lock *(u64 *)(r1 + 0) += r2"},
		{name: "and", ins: asm.AndAtomic.Mem(asm.R1, asm.R2, asm.DWord, 8), want: "lock *(u64 *)(r1 + 8) &= r2"},
		{name: "or", ins: asm.OrAtomic.Mem(asm.R1, asm.R2, asm.Word, 0), want: "lock *(u32 *)(r1 + 0) |= r2"},
		{name: "xor", ins: asm.XorAtomic.Mem(asm.R1, asm.R2, asm.DWord, -8), want: "lock *(u64 *)(r1 - 8) ^= r2"},
		{name: "fetch add", ins: asm.FetchAdd.Mem(asm.R1, asm.R2, asm.DWord, 0), want: "r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)"},
		{name: "fetch and", ins: asm.FetchAnd.Mem(asm.R1, asm.R2, asm.Word, 4), want: "r2 = atomic_fetch_and((u32 *)(r1 + 4), r2)"},
		{name: "fetch or", ins: asm.FetchOr.Mem(asm.R1, asm.R2, asm.DWord, 0), want: "r2 = atomic_fetch_or((u64 *)(r1 + 0), r2)"},
		{name: "fetch xor", ins: asm.FetchXor.Mem(asm.R1, asm.R2, asm.DWord, 0), want: "r2 = atomic_fetch_xor((u64 *)(r1 + 0), r2)"},
		{name: "xchg", ins: asm.Xchg.Mem(asm.R1, asm.R2, asm.DWord, 0), want: "r2 = atomic_xchg((u64 *)(r1 + 0), r2)"},
		{name: "cmpxchg", ins: asm.CmpXchg.Mem(asm.R1, asm.R2, asm.Word, 16), want: "r0 = atomic_cmpxchg((u32 *)(r1 + 16), r0, r2)"},
		{name: "load acquire", ins: asm.LoadAcquire(asm.R0, asm.R1, asm.DWord, 8), want: "r0 = load_acquire((u64 *)(r1 + 8))"},
		{name: "load acquire u8", ins: asm.LoadAcquire(asm.R0, asm.R1, asm.Byte, 0), want: "r0 = load_acquire((u8 *)(r1 + 0))"},
		{name: "store release", ins: asm.StoreRelease(asm.R1, asm.R2, asm.Word, -4), want: "store_release((u32 *)(r1 - 4), r2)"},
		{name: "unknown atomic", ins: asm.Instruction{OpCode: asm.OpCode(asm.StXClass).SetMode(asm.AtomicMode).SetSize(asm.DWord).SetAtomicOp(asm.AtomicOp(0xb000)), Dst: asm.R1, Src: asm.R2}, want: ".insn 0xdb dst=r1 src=r2 off=0 imm=176"},
	})
}

func TestPacketLoad(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "abs u8", ins: asm.LoadAbs(23, asm.Byte), want: "r0 = *(u8 *)skb[23]"},
		{name: "abs u16", ins: asm.LoadAbs(12, asm.Half), want: "r0 = *(u16 *)skb[12]"},
		{name: "abs u32", ins: asm.LoadAbs(26, asm.Word), want: "r0 = *(u32 *)skb[26]"},
		{name: "abs negative", ins: asm.LoadAbs(-0x100000, asm.Byte), want: "r0 = *(u8 *)skb[-1048576]"},
		{name: "ind u8 no offset", ins: asm.LoadInd(asm.R0, asm.R8, 0, asm.Byte), want: "r0 = *(u8 *)skb[r8]"},
		{name: "ind u16", ins: asm.LoadInd(asm.R0, asm.R7, 18, asm.Half), want: "r0 = *(u16 *)skb[r7 + 18]"},
		{name: "ind u32", ins: asm.LoadInd(asm.R0, asm.R7, 14, asm.Word), want: "r0 = *(u32 *)skb[r7 + 14]"},
		{name: "ind negative", ins: asm.LoadInd(asm.R0, asm.R7, -2, asm.Half), want: "r0 = *(u16 *)skb[r7 - 2]"},
	})
}

// fder is an asm.FDer for map instructions associated with a live map.
type fder int

// FD returns the file descriptor.
func (f fder) FD() int { return int(f) }

func TestLoadImm64(t *testing.T) {
	withMap := asm.LoadMapPtr(asm.R1, 0)
	if err := withMap.AssociateMap(fder(7)); err != nil {
		t.Fatal(err)
	}
	runInsnCases(t, []insnCase{
		{name: "zero", ins: asm.LoadImm(asm.R0, 0, asm.DWord), want: "r0 = 0 ll"},
		{name: "small", ins: asm.LoadImm(asm.R0, 42, asm.DWord), want: "r0 = 42 ll"},
		{name: "below hex", ins: asm.LoadImm(asm.R0, 0xffff, asm.DWord), want: "r0 = 65535 ll"},
		{name: "hex threshold", ins: asm.LoadImm(asm.R0, 0x10000, asm.DWord), want: "r0 = 0x10000 ll"},
		{name: "large", ins: asm.LoadImm(asm.R0, 0x123456789, asm.DWord), want: "r0 = 0x123456789 ll"},
		{name: "minus one", ins: asm.LoadImm(asm.R0, -1, asm.DWord), want: "r0 = -1 ll"},
		{name: "negative below hex", ins: asm.LoadImm(asm.R0, -0xffff, asm.DWord), want: "r0 = -65535 ll"},
		{name: "negative hex", ins: asm.LoadImm(asm.R0, -0x10000, asm.DWord), want: "r0 = -0x10000 ll"},
		{name: "min int64", ins: asm.LoadImm(asm.R0, -1<<63, asm.DWord), want: "r0 = -0x8000000000000000 ll"},
		{name: "max int64", ins: asm.LoadImm(asm.R3, 1<<63-1, asm.DWord), want: "r3 = 0x7fffffffffffffff ll"},
		{name: "map by name", ins: asm.LoadMapPtr(asm.R1, 0).WithReference("counts"), want: "r1 = map[counts] ll"},
		{name: "map by fd", ins: asm.LoadMapPtr(asm.R1, 5), want: "r1 = map[fd:5] ll"},
		{name: "map associated", ins: withMap, want: "r1 = map[fd:7] ll"},
		{name: "map value by name", ins: asm.LoadMapValue(asm.R2, 0, 8).WithReference(".rodata"), want: "r2 = map_value[.rodata+8] ll"},
		{name: "map value by fd", ins: asm.LoadMapValue(asm.R2, 4, 0), want: "r2 = map_value[fd:4+0] ll"},
		{name: "map by index", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: asm.R5, Constant: 2}, want: "r1 = map[idx:2] ll"},
		{name: "map value by index", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: asm.R6, Constant: 16<<32 | 2}, want: "r1 = map_value[idx:2+16] ll"},
		{name: "ksym by name", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: asm.R3}.WithReference("bpf_prog_active"), want: "r1 = ksym[bpf_prog_active] ll"},
		{name: "ksym by id", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: asm.R3, Constant: 1234}, want: "r1 = ksym[btf_id:1234] ll"},
		{name: "function pointer", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R2, Src: asm.PseudoFunc, Constant: 5}, slot: 3, want: "r2 = func pc+5 ll <9>"},
		{name: "function pointer unresolved", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R2, Src: asm.PseudoFunc, Constant: -1}.WithReference("cb"), want: "r2 = func ll <cb>"},
		{name: "unknown pseudo", ins: asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R1, Src: asm.R7, Constant: 1}, want: ".insn 0x18 dst=r1 src=r7 off=0 imm=1"},
		{name: "32-bit imm load", ins: asm.LoadImm(asm.R1, 1, asm.Word), want: ".insn 0x00 dst=r1 src=r0 off=0 imm=1"},
		{name: "zero instruction", ins: asm.Instruction{}, want: ".insn 0x00 dst=r0 src=r0 off=0 imm=0"},
		{name: "invalid opcode", ins: asm.LoadMemSX(asm.R0, asm.R1, 0, asm.DWord), want: ".insn 0xffff dst=r0 src=r0 off=0 imm=0"},
	})
}
