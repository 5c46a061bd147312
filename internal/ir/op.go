package ir

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

	OpSlotAddr   // v = SlotAddr <ptr:stack> {s0}          address of stack slot s0
	OpMapPtr     // v = MapPtr <ptr:mapfd> {m}             a map, as helpers take it
	OpLoad       // v = Load <u32> [off] p                 *(u32 *)(p + off)
	OpLoadOrZero // v = LoadOrZero <u32> [off] p           p == 0 ? 0 : *(u32 *)(p + off)
	OpStore      // Store <u32> [off] p x                  *(u32 *)(p + off) = x
	OpAtomicAdd  // AtomicAdd <u32> [off] p x              lock *(u32 *)(p + off) += x
	OpLoadSkbInd // v = LoadSkbInd <u16> [off] ctx base    the skb's packet bytes at base + off, network order (LD_IND)
	OpLoadSkbAbs // v = LoadSkbAbs <u16> [off] ctx         the skb's packet bytes at off, network order (LD_ABS)
	OpMapLookup  // v = MapLookup <ptr:map?> {m} key       key: a scalar or a pointer to the key
	OpMapUpdate  // v = MapUpdate <i64> {m} [flags] key x  x: a scalar or a pointer to the value
	OpMapDelete  // v = MapDelete <i64> {m} key
	OpCall       // v = Call <t> {helper} args...          a BPF helper call, args in R1..R5

	numOps
)

// Effect says what an Op does besides computing its value.
type Effect uint8

// Effects, from none to most.
const (
	Pure      Effect = iota // no effect: may be folded, merged (CSE) and removed when unused
	ReadsMem                // reads memory: may be removed when unused, never merged across writes
	WritesMem               // writes memory or calls out: never removed or reordered
)

type opInfo struct {
	name        string
	effect      Effect
	commutative bool
	args        int // fixed argument count, -1 for variable
	compare     bool
}

var opTable = [numOps]opInfo{
	OpInvalid:    {name: "Invalid", args: -1},
	OpConst:      {name: "Const", args: 0},
	OpArg:        {name: "Arg", args: 0},
	OpCopy:       {name: "Copy", args: 1},
	OpPhi:        {name: "Phi", args: -1},
	OpAdd:        {name: "Add", args: 2, commutative: true},
	OpSub:        {name: "Sub", args: 2},
	OpMul:        {name: "Mul", args: 2, commutative: true},
	OpDiv:        {name: "Div", args: 2},
	OpSDiv:       {name: "SDiv", args: 2},
	OpMod:        {name: "Mod", args: 2},
	OpSMod:       {name: "SMod", args: 2},
	OpAnd:        {name: "And", args: 2, commutative: true},
	OpOr:         {name: "Or", args: 2, commutative: true},
	OpXor:        {name: "Xor", args: 2, commutative: true},
	OpLsh:        {name: "Lsh", args: 2},
	OpRsh:        {name: "Rsh", args: 2},
	OpArsh:       {name: "Arsh", args: 2},
	OpNeg:        {name: "Neg", args: 1},
	OpNot:        {name: "Not", args: 1},
	OpBswap16:    {name: "Bswap16", args: 1},
	OpBswap32:    {name: "Bswap32", args: 1},
	OpBswap64:    {name: "Bswap64", args: 1},
	OpEq:         {name: "Eq", args: 2, commutative: true, compare: true},
	OpNe:         {name: "Ne", args: 2, commutative: true, compare: true},
	OpLt:         {name: "Lt", args: 2, compare: true},
	OpLe:         {name: "Le", args: 2, compare: true},
	OpGt:         {name: "Gt", args: 2, compare: true},
	OpGe:         {name: "Ge", args: 2, compare: true},
	OpSLt:        {name: "SLt", args: 2, compare: true},
	OpSLe:        {name: "SLe", args: 2, compare: true},
	OpSGt:        {name: "SGt", args: 2, compare: true},
	OpSGe:        {name: "SGe", args: 2, compare: true},
	OpTst:        {name: "Tst", args: 2, commutative: true, compare: true},
	OpSlotAddr:   {name: "SlotAddr", args: 0},
	OpMapPtr:     {name: "MapPtr", args: 0},
	OpLoad:       {name: "Load", args: 1, effect: ReadsMem},
	OpLoadOrZero: {name: "LoadOrZero", args: 1, effect: ReadsMem},
	OpStore:      {name: "Store", args: 2, effect: WritesMem},
	OpAtomicAdd:  {name: "AtomicAdd", args: 2, effect: WritesMem},
	// Packet loads read memory the program cannot change, but an
	// out-of-bounds LD_ABS ends the program; merging two equal loads keeps
	// that behaviour, removing an unused one only drops an early exit.
	OpLoadSkbInd: {name: "LoadSkbInd", args: 2},
	OpLoadSkbAbs: {name: "LoadSkbAbs", args: 1},
	OpMapLookup:  {name: "MapLookup", args: 1, effect: ReadsMem},
	OpMapUpdate:  {name: "MapUpdate", args: 2, effect: WritesMem},
	OpMapDelete:  {name: "MapDelete", args: 1, effect: WritesMem},
	OpCall:       {name: "Call", args: -1, effect: WritesMem},
}

// String returns the op's name as it appears in the text form.
func (o Op) String() string {
	if o < numOps {
		return opTable[o].name
	}
	return "Op?"
}

// Effect returns what o does besides computing a value.
func (o Op) Effect() Effect { return opTable[o].effect }

// IsCommutative reports whether o's two arguments may be swapped.
func (o Op) IsCommutative() bool { return opTable[o].commutative }

// IsCompare reports whether o is a comparison producing a Bool.
func (o Op) IsCompare() bool { return opTable[o].compare }

// NumArgs returns o's fixed argument count, or -1 when it varies.
func (o Op) NumArgs() int { return opTable[o].args }

// opByName maps text names back to ops for the parser.
var opByName = func() map[string]Op {
	m := make(map[string]Op, numOps)
	for o := Op(1); o < numOps; o++ {
		m[opTable[o].name] = o
	}
	return m
}()

// Negate returns the comparison that is true exactly when o is false.
func (o Op) Negate() Op {
	switch o {
	case OpEq:
		return OpNe
	case OpNe:
		return OpEq
	case OpLt:
		return OpGe
	case OpGe:
		return OpLt
	case OpLe:
		return OpGt
	case OpGt:
		return OpLe
	case OpSLt:
		return OpSGe
	case OpSGe:
		return OpSLt
	case OpSLe:
		return OpSGt
	case OpSGt:
		return OpSLe
	}
	return OpInvalid
}

// Swap returns the comparison with its operands exchanged (a < b is b > a).
func (o Op) Swap() Op {
	switch o {
	case OpLt:
		return OpGt
	case OpGt:
		return OpLt
	case OpLe:
		return OpGe
	case OpGe:
		return OpLe
	case OpSLt:
		return OpSGt
	case OpSGt:
		return OpSLt
	case OpSLe:
		return OpSGe
	case OpSGe:
		return OpSLe
	}
	return o
}
