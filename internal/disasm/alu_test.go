package disasm

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

func TestALU64(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "add imm", ins: asm.Add.Imm(asm.R2, -4), want: "r2 += -4"},
		{name: "add reg", ins: asm.Add.Reg(asm.R8, asm.R7), want: "r8 += r7"},
		{name: "sub imm", ins: asm.Sub.Imm(asm.R1, 3), want: "r1 -= 3"},
		{name: "sub reg", ins: asm.Sub.Reg(asm.R8, asm.R7), want: "r8 -= r7"},
		{name: "mul imm", ins: asm.Mul.Imm(asm.R1, 10), want: "r1 *= 10"},
		{name: "mul reg", ins: asm.Mul.Reg(asm.R1, asm.R2), want: "r1 *= r2"},
		{name: "div imm", ins: asm.Div.Imm(asm.R8, 1000), want: "r8 /= 1000"},
		{name: "div reg", ins: asm.Div.Reg(asm.R8, asm.R1), want: "r8 /= r1"},
		{name: "sdiv imm", ins: asm.SDiv.Imm(asm.R1, -2), want: "r1 s/= -2"},
		{name: "sdiv reg", ins: asm.SDiv.Reg(asm.R1, asm.R2), want: "r1 s/= r2"},
		{name: "mod imm", ins: asm.Mod.Imm(asm.R1, 7), want: "r1 %= 7"},
		{name: "mod reg", ins: asm.Mod.Reg(asm.R1, asm.R2), want: "r1 %= r2"},
		{name: "smod imm", ins: asm.SMod.Imm(asm.R1, 7), want: "r1 s%= 7"},
		{name: "smod reg", ins: asm.SMod.Reg(asm.R1, asm.R2), want: "r1 s%= r2"},
		{name: "or imm", ins: asm.Or.Imm(asm.R1, 1), want: "r1 |= 1"},
		{name: "or reg", ins: asm.Or.Reg(asm.R1, asm.R2), want: "r1 |= r2"},
		{name: "and imm", ins: asm.And.Imm(asm.R7, 60), want: "r7 &= 60"},
		{name: "and reg", ins: asm.And.Reg(asm.R1, asm.R2), want: "r1 &= r2"},
		{name: "lsh imm", ins: asm.LSh.Imm(asm.R7, 2), want: "r7 <<= 2"},
		{name: "lsh reg", ins: asm.LSh.Reg(asm.R1, asm.R2), want: "r1 <<= r2"},
		{name: "rsh imm", ins: asm.RSh.Imm(asm.R1, 32), want: "r1 >>= 32"},
		{name: "rsh reg", ins: asm.RSh.Reg(asm.R1, asm.R2), want: "r1 >>= r2"},
		{name: "arsh imm", ins: asm.ArSh.Imm(asm.R1, 3), want: "r1 s>>= 3"},
		{name: "arsh reg", ins: asm.ArSh.Reg(asm.R1, asm.R2), want: "r1 s>>= r2"},
		{name: "xor imm", ins: asm.Xor.Imm(asm.R1, 255), want: "r1 ^= 255"},
		{name: "xor reg", ins: asm.Xor.Reg(asm.R0, asm.R0), want: "r0 ^= r0"},
		{name: "mov imm", ins: asm.Mov.Imm(asm.R0, 0), want: "r0 = 0"},
		{name: "mov negative imm", ins: asm.Mov.Imm(asm.R0, -1), want: "r0 = -1"},
		{name: "mov large imm", ins: asm.Mov.Imm(asm.R0, 0x7fffffff), want: "r0 = 2147483647"},
		{name: "mov reg", ins: asm.Mov.Reg(asm.R6, asm.R1), want: "r6 = r1"},
		{name: "mov frame pointer", ins: asm.Mov.Reg(asm.R2, asm.R10), want: "r2 = r10"},
		{name: "movsx8", ins: asm.MovSX8.Reg(asm.R0, asm.R1), want: "r0 = (s8)r1"},
		{name: "movsx16", ins: asm.MovSX16.Reg(asm.R0, asm.R1), want: "r0 = (s16)r1"},
		{name: "movsx32", ins: asm.MovSX32.Reg(asm.R0, asm.R1), want: "r0 = (s32)r1"},
		{name: "neg", ins: asm.Neg.Imm(asm.R0, 0), want: "r0 = -r0"},
	})
}

func TestALU32(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "add imm", ins: asm.Add.Imm32(asm.R2, -4), want: "w2 += -4"},
		{name: "add reg", ins: asm.Add.Reg32(asm.R2, asm.R3), want: "w2 += w3"},
		{name: "sub reg", ins: asm.Sub.Reg32(asm.R2, asm.R3), want: "w2 -= w3"},
		{name: "mul imm", ins: asm.Mul.Imm32(asm.R2, 3), want: "w2 *= 3"},
		{name: "div reg", ins: asm.Div.Reg32(asm.R2, asm.R3), want: "w2 /= w3"},
		{name: "sdiv imm", ins: asm.SDiv.Imm32(asm.R2, 3), want: "w2 s/= 3"},
		{name: "mod imm", ins: asm.Mod.Imm32(asm.R2, 3), want: "w2 %= 3"},
		{name: "smod reg", ins: asm.SMod.Reg32(asm.R2, asm.R3), want: "w2 s%= w3"},
		{name: "or imm", ins: asm.Or.Imm32(asm.R2, 8), want: "w2 |= 8"},
		{name: "and reg", ins: asm.And.Reg32(asm.R2, asm.R3), want: "w2 &= w3"},
		{name: "lsh imm", ins: asm.LSh.Imm32(asm.R2, 2), want: "w2 <<= 2"},
		{name: "rsh reg", ins: asm.RSh.Reg32(asm.R2, asm.R3), want: "w2 >>= w3"},
		{name: "arsh imm", ins: asm.ArSh.Imm32(asm.R2, 31), want: "w2 s>>= 31"},
		{name: "xor imm", ins: asm.Xor.Imm32(asm.R2, -1), want: "w2 ^= -1"},
		{name: "mov imm", ins: asm.Mov.Imm32(asm.R0, 5), want: "w0 = 5"},
		{name: "mov reg", ins: asm.Mov.Reg32(asm.R0, asm.R1), want: "w0 = w1"},
		{name: "movsx8", ins: asm.MovSX8.Reg32(asm.R0, asm.R1), want: "w0 = (s8)w1"},
		{name: "movsx16", ins: asm.MovSX16.Reg32(asm.R0, asm.R1), want: "w0 = (s16)w1"},
		{name: "neg", ins: asm.Neg.Imm32(asm.R3, 0), want: "w3 = -w3"},
	})
}

func TestByteSwap(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "be16", ins: asm.HostTo(asm.BE, asm.R0, asm.Half), want: "r0 = be16 r0"},
		{name: "be32", ins: asm.HostTo(asm.BE, asm.R1, asm.Word), want: "r1 = be32 r1"},
		{name: "be64", ins: asm.HostTo(asm.BE, asm.R2, asm.DWord), want: "r2 = be64 r2"},
		{name: "le16", ins: asm.HostTo(asm.LE, asm.R0, asm.Half), want: "r0 = le16 r0"},
		{name: "le32", ins: asm.HostTo(asm.LE, asm.R0, asm.Word), want: "r0 = le32 r0"},
		{name: "le64", ins: asm.HostTo(asm.LE, asm.R0, asm.DWord), want: "r0 = le64 r0"},
		{name: "bswap16", ins: asm.BSwap(asm.R3, asm.Half), want: "r3 = bswap16 r3"},
		{name: "bswap32", ins: asm.BSwap(asm.R3, asm.Word), want: "r3 = bswap32 r3"},
		{name: "bswap64", ins: asm.BSwap(asm.R3, asm.DWord), want: "r3 = bswap64 r3"},
	})
}

func TestALUUnknown(t *testing.T) {
	swap := asm.HostTo(asm.BE, asm.R0, asm.Half)
	swap.Constant = 8
	bswapBE := asm.BSwap(asm.R0, asm.Half)
	bswapBE.OpCode |= asm.OpCode(asm.BE)
	runInsnCases(t, []insnCase{
		{name: "undefined op", ins: asm.Instruction{OpCode: asm.OpCode(0xe7), Dst: asm.R1, Constant: 3}, want: ".insn 0xe7 dst=r1 src=r0 off=0 imm=3"},
		{name: "swap width", ins: swap, want: ".insn 0xdc dst=r0 src=r0 off=0 imm=8"},
		{name: "bswap source bit", ins: bswapBE, want: ".insn 0xdf dst=r0 src=r0 off=0 imm=16"},
		{name: "neg reg", ins: asm.Neg.Reg(asm.R0, asm.R1), want: ".insn 0x8f dst=r0 src=r1 off=0 imm=0"},
		{name: "movsx imm", ins: asm.MovSX8.Imm(asm.R0, 1), want: ".insn 0xb7 dst=r0 src=r0 off=8 imm=1"},
		{name: "movsx32 alu32", ins: asm.MovSX32.Reg32(asm.R0, asm.R1), want: ".insn 0xbc dst=r0 src=r1 off=32 imm=0"},
	})
}
