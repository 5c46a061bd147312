package ir

import "sync"

// Op is the operation a Value performs. Each constant's comment shows its
// text form; [n] is AuxInt, {x} is Aux.
type Op uint8

// Operations.
const (
	OpInvalid Op = iota

	OpConst // v = Const <i64> [c]            an integer constant
	OpArg   // v = Arg <ptr:ctx>              the context pointer the program is called with (R1)
	OpCopy  // v = Copy <t> a                 a copy of a (register moves after allocation)
	OpPhi   // v = Phi <t> a b ...            one argument per predecessor

	OpAdd  // v = Add <t> a b
	OpSub  // v = Sub <t> a b
	OpMul  // v = Mul <t> a b
	OpDiv  // v = Div <t> a b                 unsigned
	OpSDiv // v = SDiv <t> a b                signed (BPF v4)
	OpMod  // v = Mod <t> a b                 unsigned
	OpSMod // v = SMod <t> a b                signed (BPF v4)
	OpAnd  // v = And <t> a b
	OpOr   // v = Or <t> a b
	OpXor  // v = Xor <t> a b
	OpLsh  // v = Lsh <t> a b
	OpRsh  // v = Rsh <t> a b                 logical
	OpArsh // v = Arsh <t> a b                arithmetic
	OpNeg  // v = Neg <t> a                   two's complement
	OpNot  // v = Not <t> a                   bitwise complement

	OpBswap16 // v = Bswap16 <u16> a          swap the low 2 bytes, zero the rest
	OpBswap32 // v = Bswap32 <u32> a
	OpBswap64 // v = Bswap64 <u64> a

	OpEq  // v = Eq <bool> a b
	OpNe  // v = Ne <bool> a b
	OpLt  // v = Lt <bool> a b                unsigned
	OpLe  // v = Le <bool> a b                unsigned
	OpGt  // v = Gt <bool> a b                unsigned
	OpGe  // v = Ge <bool> a b                unsigned
	OpSLt // v = SLt <bool> a b               signed
	OpSLe // v = SLe <bool> a b               signed
	OpSGt // v = SGt <bool> a b               signed
	OpSGe // v = SGe <bool> a b               signed
	OpTst // v = Tst <bool> a b               (a & b) != 0

	OpSlotAddr   // v = SlotAddr <ptr:stack> {s0}          address of stack slot s0 ([off] when off bytes in)
	OpMapPtr     // v = MapPtr <ptr:mapfd> {m}             a map, as helpers take it
	OpLoad       // v = Load <u32> [off] p                 *(u32 *)(p + off)
	OpLoadOrZero // v = LoadOrZero <u32> [off] p           p == 0 ? 0 : *(u32 *)(p + off)
	OpFill       // v = Fill <u8> p                        a spilled value reloaded: all 64 bits of *(u64 *)p, which hold it extended
	OpStore      // Store <u32> [off] p x                  *(u32 *)(p + off) = x
	OpAtomicAdd  // AtomicAdd <u32> [off] p x              lock *(u32 *)(p + off) += x
	OpLoadSkbInd // v = LoadSkbInd <u16> [off] ctx base    the skb's packet bytes at base + off, network order (LD_IND)
	OpLoadSkbAbs // v = LoadSkbAbs <u16> [off] ctx         the skb's packet bytes at off, network order (LD_ABS)
	OpPktPtr     // v = PktPtr <ptr:pkt> [off] ctx         a packet pointer of the context (data, data_end): its 32-bit field at off, which the kernel loads as a pointer
	OpMapLookup  // v = MapLookup <ptr:map?> {m} key       key: a scalar or a pointer to the key
	OpMapUpdate  // v = MapUpdate <i64> {m} [flags] key x  x: a scalar or a pointer to the value
	OpMapDelete  // v = MapDelete <i64> {m} key
	OpCall       // v = Call <t> {helper} args...          a BPF helper call, args in R1..R5

	numOps
)

// String returns the op's name as it appears in the text form.
func (o Op) String() string {
	if o < numOps {
		return opTable[o].name
	}
	return "Op?"
}

// opByName maps text names back to ops for the parser, built on first
// use (the parser is for tests; at init it cost every run).
var opByName = sync.OnceValue(func() map[string]Op {
	m := make(map[string]Op, numOps)
	for o := Op(1); o < numOps; o++ {
		m[opTable[o].name] = o
	}
	return m
})
