// Package regalloc assigns BPF registers to the values of an IR function.
//
// The machine has eleven 64-bit registers. R10 is the read-only frame
// pointer; R0 holds helper results and the return value; R1-R5 carry
// helper arguments and are clobbered by every call and by the legacy
// skb loads (LD_ABS/LD_IND), which also read the context from R6 and
// leave their result in R0; R6-R9 survive calls.
//
// Allocation is graph colouring in the Chaitin-Briggs style, on SSA:
//
//  1. prep rewrites the function so every constraint is a copy: constants,
//     stack addresses and map pointers are rematerialised right before each
//     use that needs them in a register; values that must sit in a given
//     register (helper arguments, R0 results, the context in R1 on entry and
//     in R6 for skb loads, as the op table's ArgReg and ResultReg columns
//     say, and the return value) get copies precoloured to that register;
//     phis get copies at the end of each predecessor and one after
//     themselves (conventional SSA), with critical edges split. A
//     constant a phi gets along a split edge is made before the branch
//     instead, kept there only when step 3 gives it the phi's register
//     (hoist.go): the edge then needs no block and no jump.
//  2. liveness and interference are computed over "webs" (a phi together
//     with its argument copies). A phi's argument is live at the end of the
//     predecessor it comes from. Values live across a clobbering
//     instruction (ir.Op.Clobbers) interfere with R0-R5.
//  3. copies are coalesced when the two sides do not interfere and the
//     merged web stays colourable (Briggs's test), which removes nearly all
//     the copies step 1 made.
//  4. webs are coloured, preferring the colour of a copy partner.
//  5. if a web cannot be coloured its values are spilled to a stack slot
//     (or, when they were spilled already, those of a neighbour) and the
//     process repeats. Every round spills a value not spilled before, so
//     allocation ends.
//
// The result is Value.Reg on every value that needs a register. Copies
// whose two sides got the same register emit nothing. The same function
// always gets the same allocation: interference sets are bitsets walked
// in order, never Go maps. Check simulates the result register by
// register; tests run it after every allocation.
package regalloc
