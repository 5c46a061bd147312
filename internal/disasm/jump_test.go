package disasm

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

func TestJump64(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "jeq imm", ins: at(asm.JEq.Imm(asm.R0, 0, ""), 2), slot: 8, want: "if r0 == 0 goto +2 <11>"},
		{name: "jeq reg", ins: at(asm.JEq.Reg(asm.R0, asm.R1, ""), 2), slot: 8, want: "if r0 == r1 goto +2 <11>"},
		{name: "jne imm", ins: at(asm.JNE.Imm(asm.R0, 17, ""), 35), slot: 3, want: "if r0 != 17 goto +35 <39>"},
		{name: "jne reg", ins: at(asm.JNE.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 != r1 goto +1 <2>"},
		{name: "jgt imm", ins: at(asm.JGT.Imm(asm.R0, 5, ""), 1), want: "if r0 > 5 goto +1 <2>"},
		{name: "jgt reg", ins: at(asm.JGT.Reg(asm.R1, asm.R0, ""), 25), slot: 12, want: "if r1 > r0 goto +25 <38>"},
		{name: "jge imm", ins: at(asm.JGE.Imm(asm.R0, 5, ""), 1), want: "if r0 >= 5 goto +1 <2>"},
		{name: "jge reg", ins: at(asm.JGE.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 >= r1 goto +1 <2>"},
		{name: "jlt imm", ins: at(asm.JLT.Imm(asm.R0, 5, ""), 1), want: "if r0 < 5 goto +1 <2>"},
		{name: "jlt reg", ins: at(asm.JLT.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 < r1 goto +1 <2>"},
		{name: "jle imm", ins: at(asm.JLE.Imm(asm.R0, 5, ""), 1), want: "if r0 <= 5 goto +1 <2>"},
		{name: "jle reg", ins: at(asm.JLE.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 <= r1 goto +1 <2>"},
		{name: "jsgt imm", ins: at(asm.JSGT.Imm(asm.R0, -1, ""), 1), want: "if r0 s> -1 goto +1 <2>"},
		{name: "jsgt reg", ins: at(asm.JSGT.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 s> r1 goto +1 <2>"},
		{name: "jsge imm", ins: at(asm.JSGE.Imm(asm.R0, 0, ""), 1), want: "if r0 s>= 0 goto +1 <2>"},
		{name: "jsge reg", ins: at(asm.JSGE.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 s>= r1 goto +1 <2>"},
		{name: "jslt imm", ins: at(asm.JSLT.Imm(asm.R0, 0, ""), 1), want: "if r0 s< 0 goto +1 <2>"},
		{name: "jslt reg", ins: at(asm.JSLT.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 s< r1 goto +1 <2>"},
		{name: "jsle imm", ins: at(asm.JSLE.Imm(asm.R0, 0, ""), 1), want: "if r0 s<= 0 goto +1 <2>"},
		{name: "jsle reg", ins: at(asm.JSLE.Reg(asm.R0, asm.R1, ""), 1), want: "if r0 s<= r1 goto +1 <2>"},
		{name: "jset imm", ins: at(asm.JSet.Imm(asm.R1, 4, ""), 2), slot: 2, want: "if r1 & 0x4 goto +2 <5>"},
		{name: "jset negative imm", ins: at(asm.JSet.Imm(asm.R1, -1, ""), 2), want: "if r1 & 0xffffffffffffffff goto +2 <3>"},
		{name: "jset reg", ins: at(asm.JSet.Reg(asm.R1, asm.R2, ""), 2), want: "if r1 & r2 goto +2 <3>"},
		{name: "backward", ins: at(asm.JNE.Imm(asm.R0, 0, ""), -3), slot: 14, want: "if r0 != 0 goto -3 <12>"},
		{name: "zero offset", ins: at(asm.JEq.Imm(asm.R0, 0, ""), 0), slot: 4, want: "if r0 == 0 goto +0 <5>"},
		{name: "unresolved", ins: asm.JEq.Imm(asm.R0, 0, "exit"), want: "if r0 == 0 goto <exit>"},
	})
}

func TestJump32(t *testing.T) {
	runInsnCases(t, []insnCase{
		{name: "jgt imm", ins: at(asm.JGT.Imm32(asm.R0, 5, ""), -3), slot: 14, want: "if w0 > 5 goto -3 <12>"},
		{name: "jeq reg", ins: at(asm.JEq.Reg32(asm.R0, asm.R1, ""), 1), want: "if w0 == w1 goto +1 <2>"},
		{name: "jne imm", ins: at(asm.JNE.Imm32(asm.R2, 7, ""), 1), want: "if w2 != 7 goto +1 <2>"},
		{name: "jsle reg", ins: at(asm.JSLE.Reg32(asm.R2, asm.R3, ""), 1), want: "if w2 s<= w3 goto +1 <2>"},
		{name: "jset imm", ins: at(asm.JSet.Imm32(asm.R1, 0x80, ""), 1), want: "if w1 & 0x80 goto +1 <2>"},
		{name: "jset negative imm", ins: at(asm.JSet.Imm32(asm.R1, -1, ""), 1), want: "if w1 & 0xffffffff goto +1 <2>"},
	})
}

func TestGotoCallExit(t *testing.T) {
	ja := asm.Ja.Label("")
	ja.Offset = 1
	gotol := asm.LongJump("")
	gotol.Constant = 100000
	bpfCall := asm.Call.Label("")
	bpfCall.Constant = 5
	jitCall := asm.Call.Label("")
	jitCall.Constant, jitCall.Offset = 0, 7
	mayGoto := asm.Instruction{OpCode: asm.JCOND.Op(asm.ImmSource), Src: asm.PseudoMayGoto, Offset: 3}
	runInsnCases(t, []insnCase{
		{name: "goto", ins: ja, slot: 16, want: "goto +1 <18>"},
		{name: "goto unresolved", ins: asm.Ja.Label("out"), want: "goto <out>"},
		{name: "gotol", ins: gotol, slot: 2, want: "gotol +100000 <100003>"},
		{name: "gotol unresolved", ins: asm.LongJump("out"), want: "gotol <out>"},
		{name: "helper", ins: asm.FnMapLookupElem.Call(), want: "call bpf_map_lookup_elem#1"},
		{name: "helper ktime", ins: asm.FnKtimeGetNs.Call(), want: "call bpf_ktime_get_ns#5"},
		{name: "helper unknown", ins: asm.BuiltinFunc(100000).Call(), want: "call unknown#100000"},
		{name: "helper placeholder", ins: asm.Instruction{OpCode: asm.Call.Op(asm.ImmSource), Constant: -1}, want: "call unknown#-1"},
		{name: "windows helper", ins: asm.WindowsFnRingbufOutput.Call(), want: "call bpf_ringbuf_output#11"},
		{name: "bpf call", ins: bpfCall, slot: 10, want: "call pc+5 <16>"},
		{name: "bpf call backward", ins: asm.Instruction{OpCode: asm.Call.Op(asm.ImmSource), Src: asm.PseudoCall, Constant: -8}, slot: 10, want: "call pc-8 <3>"},
		{name: "bpf call jited", ins: jitCall, slot: 1, want: "call pc+7 <9>"},
		{name: "bpf call unresolved", ins: asm.Call.Label("helper_fn"), want: "call <helper_fn>"},
		{name: "kfunc by id", ins: asm.Instruction{OpCode: asm.Call.Op(asm.ImmSource), Src: asm.PseudoKfuncCall, Constant: 74948}, want: "call kfunc#74948"},
		{name: "kfunc by name", ins: asm.Instruction{OpCode: asm.Call.Op(asm.ImmSource), Src: asm.PseudoKfuncCall, Constant: -1}.WithReference("bpf_rcu_read_lock"), want: "call kfunc bpf_rcu_read_lock"},
		{name: "call bad src", ins: asm.Instruction{OpCode: asm.Call.Op(asm.ImmSource), Src: asm.R3, Constant: 1}, want: ".insn 0x85 dst=r0 src=r3 off=0 imm=1"},
		{name: "exit", ins: asm.Return(), want: "exit"},
		{name: "may_goto", ins: mayGoto, slot: 4, want: "may_goto +3 <8>"},
		{name: "jcond bad src", ins: asm.Instruction{OpCode: asm.JCOND.Op(asm.ImmSource), Src: asm.R1}, want: ".insn 0xe5 dst=r0 src=r1 off=0 imm=0"},
		{name: "undefined jump op", ins: asm.Instruction{OpCode: asm.OpCode(0xf5), Offset: 1}, want: ".insn 0xf5 dst=r0 src=r0 off=1 imm=0"},
		{name: "exit in jmp32", ins: asm.Instruction{OpCode: asm.OpCode(0x96)}, want: ".insn 0x96 dst=r0 src=r0 off=0 imm=0"},
	})
}
