// Package ir is luabpf's intermediate representation: typed SSA over basic
// blocks, between the front end (which lowers a Lua function into it) and
// the back end (register allocation and instruction emission).
//
// A Func is a list of Blocks; Blocks[0] is the entry. A Block holds Values in
// execution order and ends in one of three ways (its Kind): Plain falls
// through to its single successor, If branches on its Control value to
// Succs[0] when true and Succs[1] when false, Ret returns its Control value.
// A Value is one operation: its Op, its Type, its Args (other Values),
// and two auxiliary fields, AuxInt (offsets, constants, sizes) and Aux
// (a stack slot, a map reference or a helper).
//
// Invariants, checked by Verify after every pass in tests:
//   - every Value is defined once and dominates its uses (SSA);
//   - Phi values come first in their block and have one argument per
//     predecessor, in Preds order;
//   - If blocks have two successors and a Bool control, Plain blocks one,
//     Ret blocks none and a control;
//   - Preds and Succs mirror each other;
//   - an op whose AuxInt means nothing has it 0, and a helper call has at
//     most five arguments (R1-R5).
//
// What the later stages need to know about an op is a column of the op
// table (optable.go), not a list of ops in each stage: its effect, what
// its AuxInt means, whether it accesses memory or calls a helper, and the
// form of its instruction (which argument may be an immediate and under
// which rule, two-address or not, fixed argument and result registers,
// the registers it clobbers, whether it is rematerialised).
//
// Values are 64 bits wide in registers. A Type says how many of those bits
// are meaningful and whether they are signed (for comparisons, division and
// widening) and, for pointers, which memory they point into (Space), which
// decides how loads and stores are emitted and what the kernel verifier
// will accept.
//
// Every stage can print a Func in a stable text form (Func.String) and
// Parse reads the same form back, so pass tests are written as text in,
// text out.
package ir
