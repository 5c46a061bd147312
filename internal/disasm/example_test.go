package disasm_test

import (
	"fmt"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/disasm"
)

// A socket filter that counts UDP packets per destination port, as emit
// would produce it: jumps name their target symbol and the map is named
// by reference. Lines maps instructions back to the Lua source.
func ExampleFormat() {
	insns := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadAbs(23, asm.Byte),
		asm.JNE.Imm(asm.R0, 17, "out"),
		asm.LoadAbs(14, asm.Byte),
		asm.And.Imm(asm.R0, 0x0f),
		asm.LSh.Imm(asm.R0, 2),
		asm.Mov.Reg(asm.R7, asm.R0),
		asm.LoadInd(asm.R0, asm.R7, 16, asm.Half),
		asm.StoreMem(asm.R10, -4, asm.R0, asm.Word),
		asm.Mov.Reg(asm.R2, asm.R10),
		asm.Add.Imm(asm.R2, -4),
		asm.LoadMapPtr(asm.R1, 0).WithReference("counts"),
		asm.FnMapLookupElem.Call(),
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Mov.Imm(asm.R1, 1),
		asm.StoreXAdd(asm.R0, asm.R1, asm.Word),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
		asm.Return(),
	}
	lua := map[int]int{1: 5, 3: 6, 7: 6, 11: 7, 14: 8, 16: 10}
	fmt.Print(disasm.Format(insns, &disasm.Options{
		Lines: func(i int) string {
			if line, ok := lua[i]; ok {
				return fmt.Sprintf("udp-ports.lua:%d", line)
			}
			return ""
		},
	}))
	// Output:
	//    0: r6 = r1
	//    1: r0 = *(u8 *)skb[23]	; udp-ports.lua:5
	//    2: if r0 != 17 goto +14 <17>
	//    3: r0 = *(u8 *)skb[14]	; udp-ports.lua:6
	//    4: r0 &= 15
	//    5: r0 <<= 2
	//    6: r7 = r0
	//    7: r0 = *(u16 *)skb[r7 + 16]	; udp-ports.lua:6
	//    8: *(u32 *)(r10 - 4) = r0
	//    9: r2 = r10
	//   10: r2 += -4
	//   11: r1 = map[counts] ll	; udp-ports.lua:7
	//   13: call bpf_map_lookup_elem#1
	//   14: if r0 == 0 goto +2 <17>
	//   15: r1 = 1	; udp-ports.lua:8
	//   16: lock *(u32 *)(r0 + 0) += r1
	//   17: r0 = 0	; udp-ports.lua:10
	//   18: exit
}

// Instruction renders a single instruction; the slot it sits at gives
// the absolute target of a jump.
func ExampleInstruction() {
	jump := asm.JSet.Imm(asm.R1, 4, "")
	jump.Offset = 2
	fmt.Println(disasm.Instruction(jump, 7))
	fmt.Println(disasm.Instruction(asm.FetchAdd.Mem(asm.R1, asm.R2, asm.DWord, 0), 0))
	// Output:
	// if r1 & 0x4 goto +2 <10>
	// r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
}
