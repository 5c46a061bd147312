// Package disasm renders eBPF instructions as text, the format users see
// from bpf.dump(prog), bpf.dump_string(prog) and the CLI's --dump=asm.
//
// It is the last text form of the pipeline (see DESIGN.md): its input is
// the cilium/ebpf asm.Instructions that emit produces or that a loaded
// program reports, its output is one line per instruction in the C-like
// syntax of llvm-objdump and bpftool, which BPF engineers already read:
//
//	0: r6 = r1
//	1: r0 = *(u8 *)skb[23]
//	2: if r0 != 17 goto +5 <8>
//	3: r1 = map[counts] ll
//	5: call bpf_map_lookup_elem#1
//
// Each line starts with the instruction's index in 8-byte slots, right
// aligned in four columns. An ld_imm64 takes two slots, so the index after
// it skips one; this is the numbering the verifier log and llvm-objdump
// use, so their messages can be matched against a dump.
//
// # Syntax
//
// 32-bit ALU and JMP32 instructions name registers w0–w10, everything else
// r0–r10. Jumps print their relative offset and, in angle brackets, the
// slot index they land on ("goto +1 <18>"); bpf-to-bpf calls do the same
// ("call pc+5 <22>"). Helper calls print the kernel's name and number
// ("call bpf_map_lookup_elem#1"). Map loads print the map's name when the
// instruction references one ("r1 = map[counts] ll"), else its file
// descriptor ("map[fd:3]"). Opcodes that do not decode print as
// ".insn 0x<opcode> dst=… src=… off=… imm=…" instead of failing, so a dump
// never hides an instruction.
//
// # Constants
//
// Immediates print in signed decimal, with two exceptions: an ld_imm64
// constant whose magnitude is at least 0x10000 prints in hex with a sign
// ("r0 = 0x123456789 ll", "r0 = -0x10000 ll", but "r0 = 65535 ll"), and the
// mask of a jset prints in hex because it is a bit pattern
// ("if r1 & 0x4 goto +2 <5>").
//
// # Symbolic references
//
// emit produces jumps and calls that name their target symbol and carry
// the placeholder offset -1, which cilium/ebpf resolves when it marshals
// the program. [Format] resolves them the same way against the symbols in
// the instructions it prints, so a dump shows real offsets before the
// program is loaded. [Instruction], which sees one instruction alone,
// prints an unresolved target by name ("goto <exit>").
package disasm
