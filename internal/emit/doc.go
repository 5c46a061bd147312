// Package emit is the last compiler stage: it turns a register-allocated
// IR function into cilium/ebpf instructions.
//
// It lays out the stack frame (each stack slot gets an R10-relative
// offset), orders the blocks so the likely successor falls through,
// threads jumps through blocks that emit nothing, picks the instruction
// form for each value (immediate operands, R10-relative stores, LD_ABS
// for constant packet offsets, JMP32 where a 32-bit compare avoids
// loading a constant), and resolves jump offsets.
//
// Alongside the instructions it returns a line table: for each
// instruction, the Lua line it came from. The verifier reports failures by
// instruction index; the runtime maps them back through this table.
package emit
