// Package irgen lowers a resolved kernel function (package frontend) into
// IR (package ir). It is where Lua meets the kernel: it knows what the
// free names hold at compile time (numbers, strings, tables, maps, C
// types, builtins), gives every expression a C type, follows the packet
// dissector chain (pkt.ip.udp.data), turns map indexing into lookups and
// updates, and reports type errors at the Lua line, with what to write
// instead. A mistake ends only the statement it is in: Build reports all
// of a function's errors together (see recover.go), as one
// *source.CompileError or a *source.ErrorList.
//
// Lowering tracks each expression as an operand: a compile-time value, a
// runtime integer, a comparison, or a pointer into one of the memories a
// program can reach (context, packet, stack, map value), with the
// metadata that decides how it is read. The packet is reached as the
// program kind's proto.Kind.Packet says (pkt_access.go): socket filters
// with the legacy skb loads, XDP and TC programs directly, each read
// after a check against data_end and giving 0 past it (pkt_direct.go);
// their writes keep checksums right (pkt_write.go). The dissector chain
// (packet.go) is the same for all. Locals are put in SSA form as they
// are assigned (Braun et al., "Simple and Efficient Construction of SSA
// Form"); the function is acyclic (numeric for loops are unrolled), so
// every block's predecessors are complete when it is entered.
//
// Semantics that differ from plain Lua, as in the original toolkit:
// numbers are 64-bit integers, `/` divides integers, and 0 (and nil, and
// a null map value) is false in conditions. Numbers follow the README's
// "Numbers in kernel functions", the same folded or not: every value's
// IR type is its C type, uint64_t makes an operation unsigned and other
// types convert to int64_t (numbers.go); / and % are C's, with the BPF
// machine's results for a zero divisor. Memory accesses honour run-time
// indices and split misaligned (packed) members into aligned pieces
// (memory.go, bitfield.go).
package irgen
