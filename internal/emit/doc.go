// Package emit is the last compiler stage: it turns a register-allocated
// IR function into cilium/ebpf instructions.
//
// It lays out the stack frame (each stack slot gets an R10-relative
// offset), orders the blocks so the likely successor falls through,
// threads jumps through blocks that emit nothing, and picks the
// instruction form for each value (immediate operands, R10-relative
// stores, LD_ABS for constant packet offsets, JMP32 where a 32-bit compare
// avoids loading a constant).
//
// # Symbols and line metadata
//
// The output is symbolic, as cilium/ebpf's own assembler output is:
// instruction 0 carries the function's name as its symbol; the first
// instruction of every block a jump lands on carries a label
// ("NAME.bN"); jumps carry their target's label as their reference and
// the placeholder offset -1, which asm.Instructions.Marshal resolves when
// the program is loaded or written out. Emit checks that every jump
// reaches its target within the 16-bit offset, which the marshaller would
// truncate.
//
// Every instruction's Source is the *source.Line (Lua file, line and
// text) of the value or block end it was emitted for. The verifier names
// failing instructions by index; source.LineAt maps such an index back to
// a Lua line, and the disassembly (bpf.dump) prints the file:line where it
// changes.
//
// What the kernel gets of that metadata depends on how the program is
// loaded; found by experiment with cilium/ebpf v0.22 on Linux 6.18:
//
//   - cilium/ebpf turns every instruction's Source into a BTF line record
//     when it loads a program, but keeps a file name and line number only
//     for a *btf.Line, whose fields are unexported; a *source.Line reaches
//     the kernel as its text with no file and line 0.
//   - btf.WithFuncMetadata on instruction 0 works for a hand-built
//     program: the kernel keeps the function's whole name (not 15 bytes)
//     and a btf_id.
//   - elfobj.LineInfo encodes the line records an ELF object would carry
//     and parses them back with btf.LoadLineInfos, which makes *btf.Line
//     sources for a hand-built program (33 µs for 50 instructions, where
//     writing and reading back a whole object takes 140 µs); the runtime
//     loads every program that way (value.Program.KernelSpec), so the
//     verifier's log and bpftool prog dump xlated linum show Lua lines.
package emit
