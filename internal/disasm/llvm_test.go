package disasm

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
)

// sockParseDNS is `llvm-objdump -d` of clang-14 -O2 -target bpf for the
// sock-parse-dns reference (/work/shared/targets/sock_parse_dns.c),
// copied verbatim without its section and label headers.
const sockParseDNS = `
       0:	r6 = r1
       1:	r0 = *(u8 *)skb[23]
       2:	if r0 != 17 goto +35 <LBB0_8>
       3:	r0 = *(u8 *)skb[14]
       4:	r7 = r0
       5:	r7 <<= 2
       6:	r7 &= 60
       7:	r8 = r7
       8:	r8 += 18
       9:	r0 = *(u16 *)skb[r8]
      10:	r1 = 12
      11:	r0 = be16 r0
      12:	if r1 > r0 goto +25 <LBB0_8>
      13:	r7 += 34
      14:	r0 = *(u8 *)skb[r7]
      15:	r8 = r0
      16:	if r8 == 0 goto +8 <LBB0_5>
      17:	r8 += r7
      18:	r8 += 1
      19:	r0 = *(u8 *)skb[r8]
      20:	r7 = r8
      21:	if r0 == 0 goto +3 <LBB0_5>
      22:	r0 += r8
      23:	r0 += 1
      24:	r7 = r0
      25:	r0 = *(u8 *)skb[r7]
      26:	if r0 != 0 goto +11 <LBB0_8>
      27:	r7 += 2
      28:	r0 = *(u8 *)skb[r7]
      29:	*(u32 *)(r10 - 4) = r0
      30:	r2 = r10
      31:	r2 += -4
      32:	r1 = 0 ll
      34:	call 1
      35:	if r0 == 0 goto +2 <LBB0_8>
      36:	r1 = 1
      37:	lock *(u32 *)(r0 + 0) += r1
      38:	r0 = 0
      39:	exit
`

// TestMatchesLLVMObjdump rebuilds the clang program above and checks
// that Format prints what llvm-objdump prints, except for the two
// deliberate differences: jump targets are slot indices, not labels, and
// helpers are named, as in the verifier log.
func TestMatchesLLVMObjdump(t *testing.T) {
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadAbs(23, asm.Byte),
		asm.JNE.Imm(asm.R0, 17, "LBB0_8"),
		asm.LoadAbs(14, asm.Byte),
		asm.Mov.Reg(asm.R7, asm.R0),
		asm.LSh.Imm(asm.R7, 2),
		asm.And.Imm(asm.R7, 60),
		asm.Mov.Reg(asm.R8, asm.R7),
		asm.Add.Imm(asm.R8, 18),
		asm.LoadInd(asm.R0, asm.R8, 0, asm.Half),
		asm.Mov.Imm(asm.R1, 12),
		asm.HostTo(asm.BE, asm.R0, asm.Half),
		asm.JGT.Reg(asm.R1, asm.R0, "LBB0_8"),
		asm.Add.Imm(asm.R7, 34),
		asm.LoadInd(asm.R0, asm.R7, 0, asm.Byte),
		asm.Mov.Reg(asm.R8, asm.R0),
		asm.JEq.Imm(asm.R8, 0, "LBB0_5"),
		asm.Add.Reg(asm.R8, asm.R7),
		asm.Add.Imm(asm.R8, 1),
		asm.LoadInd(asm.R0, asm.R8, 0, asm.Byte),
		asm.Mov.Reg(asm.R7, asm.R8),
		asm.JEq.Imm(asm.R0, 0, "LBB0_5"),
		asm.Add.Reg(asm.R0, asm.R8),
		asm.Add.Imm(asm.R0, 1),
		asm.Mov.Reg(asm.R7, asm.R0),
		asm.LoadInd(asm.R0, asm.R7, 0, asm.Byte).WithSymbol("LBB0_5"),
		asm.JNE.Imm(asm.R0, 0, "LBB0_8"),
		asm.Add.Imm(asm.R7, 2),
		asm.LoadInd(asm.R0, asm.R7, 0, asm.Byte),
		asm.StoreMem(asm.R10, -4, asm.R0, asm.Word),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadImm(asm.R1, 0, asm.DWord), // an unrelocated map load in a .o
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "LBB0_8"),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.Word),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("LBB0_8"),
		asm.Return(),
	}
	ours := strings.NewReplacer(
		"<LBB0_5>", "<25>",
		"<LBB0_8>", "<38>",
		"call 1", "call bpf_map_lookup_elem#1",
	)
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(sockParseDNS), "\n") {
		slot, insn, _ := strings.Cut(strings.TrimSpace(line), ":\t")
		want.WriteString(strings.Repeat(" ", 4-len(slot)) + slot + ": " + ours.Replace(insn) + "\n")
	}
	if got := Format(insns, nil); got != want.String() {
		t.Errorf("Format() =\n%s\nwant (llvm-objdump)\n%s", got, want.String())
	}
}
