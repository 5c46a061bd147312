package ir

// opInfo is one row of the op table: what the passes, the register
// allocator and the emitter need to know about an op, so none of them
// keeps a list of ops of its own. TestOpTable checks that the columns
// agree with each other.
type opInfo struct {
	name   string
	args   int // fixed argument count, -1 for variable
	effect Effect
	aux    AuxKind // what AuxInt means

	commutative bool // Args[0] and Args[1] may be swapped
	compare     bool // a Bool from comparing Args[0] with Args[1]
	negate      Op   // for a comparison: the one true exactly when it is false
	swap        Op   // for an ordered comparison: the one with its operands exchanged

	memory  bool // reads or writes memory at Args[0] + AuxInt
	helper  bool // calls a BPF helper, or becomes such a call in expand
	noValue bool // defines no value: Type is the width of the memory written

	// The instruction's form, which the allocator and the emitter share.
	imm0, imm1 ImmRule  // when Args[0] and Args[1] may be encoded in the instruction
	twoAddress bool     // computes into its first operand's register: dst = a; dst op= b
	remat      bool     // made again right before each use instead of kept in a register
	clobbers   RegSet   // registers the instruction overwrites
	result     RegSet   // the one register the result must be in, if any
	argRegs    []RegSet // the register each argument must be in; arguments past the list are free
}

var opTable = [numOps]opInfo{
	OpInvalid: {name: "Invalid", args: -1},
	OpConst:   {name: "Const", args: 0, aux: AuxConst, remat: true},
	OpArg:     {name: "Arg", args: 0, result: r1},
	OpCopy:    {name: "Copy", args: 1},
	OpPhi:     {name: "Phi", args: -1},

	OpAdd:  {name: "Add", args: 2, commutative: true, imm1: ImmS32, twoAddress: true},
	OpSub:  {name: "Sub", args: 2, imm1: ImmS32, twoAddress: true},
	OpMul:  {name: "Mul", args: 2, commutative: true, imm1: ImmS32, twoAddress: true},
	OpDiv:  {name: "Div", args: 2, imm1: ImmDivisor, twoAddress: true},
	OpSDiv: {name: "SDiv", args: 2, imm1: ImmDivisor, twoAddress: true},
	OpMod:  {name: "Mod", args: 2, imm1: ImmDivisor, twoAddress: true},
	OpSMod: {name: "SMod", args: 2, imm1: ImmDivisor, twoAddress: true},
	OpAnd:  {name: "And", args: 2, commutative: true, imm1: ImmS32, twoAddress: true},
	OpOr:   {name: "Or", args: 2, commutative: true, imm1: ImmS32, twoAddress: true},
	OpXor:  {name: "Xor", args: 2, commutative: true, imm1: ImmS32, twoAddress: true},
	OpLsh:  {name: "Lsh", args: 2, imm1: ImmShift, twoAddress: true},
	OpRsh:  {name: "Rsh", args: 2, imm1: ImmShift, twoAddress: true},
	OpArsh: {name: "Arsh", args: 2, imm1: ImmShift, twoAddress: true},
	OpNeg:  {name: "Neg", args: 1, twoAddress: true},
	OpNot:  {name: "Not", args: 1, twoAddress: true},

	OpBswap16: {name: "Bswap16", args: 1, twoAddress: true},
	OpBswap32: {name: "Bswap32", args: 1, twoAddress: true},
	OpBswap64: {name: "Bswap64", args: 1, twoAddress: true},

	// Signed comparisons take only sign-extended immediates: JMP32 would
	// compare the constant's low 32 bits as a negative number.
	OpEq:  {name: "Eq", args: 2, commutative: true, compare: true, negate: OpNe, imm1: ImmU32Cmp},
	OpNe:  {name: "Ne", args: 2, commutative: true, compare: true, negate: OpEq, imm1: ImmU32Cmp},
	OpLt:  {name: "Lt", args: 2, compare: true, negate: OpGe, swap: OpGt, imm1: ImmU32Cmp},
	OpLe:  {name: "Le", args: 2, compare: true, negate: OpGt, swap: OpGe, imm1: ImmU32Cmp},
	OpGt:  {name: "Gt", args: 2, compare: true, negate: OpLe, swap: OpLt, imm1: ImmU32Cmp},
	OpGe:  {name: "Ge", args: 2, compare: true, negate: OpLt, swap: OpLe, imm1: ImmU32Cmp},
	OpSLt: {name: "SLt", args: 2, compare: true, negate: OpSGe, swap: OpSGt, imm1: ImmS32},
	OpSLe: {name: "SLe", args: 2, compare: true, negate: OpSGt, swap: OpSGe, imm1: ImmS32},
	OpSGt: {name: "SGt", args: 2, compare: true, negate: OpSLe, swap: OpSLt, imm1: ImmS32},
	OpSGe: {name: "SGe", args: 2, compare: true, negate: OpSLt, swap: OpSLe, imm1: ImmS32},
	OpTst: {name: "Tst", args: 2, commutative: true, compare: true, imm1: ImmU32Cmp},

	OpSlotAddr: {name: "SlotAddr", args: 0, aux: AuxSlotOffset, remat: true},
	OpMapPtr:   {name: "MapPtr", args: 0, remat: true},
	OpLoad:     {name: "Load", args: 1, effect: ReadsMem, aux: AuxOffset, memory: true, imm0: ImmStackAddr},
	// LoadOrZero tests its pointer for 0 in the result's register, so
	// the pointer is never a frame offset.
	OpLoadOrZero: {name: "LoadOrZero", args: 1, effect: ReadsMem, aux: AuxOffset, memory: true, twoAddress: true},
	// Fill reloads a value register allocation spilled: the whole 64-bit
	// slot, whatever the value's type, so the verifier, which keeps what
	// it knows of a spilled register only for a full-width fill, still
	// knows the bounds a check proved before the spill.
	OpFill:      {name: "Fill", args: 1, effect: ReadsMem, aux: AuxOffset, memory: true, imm0: ImmStackAddr},
	OpStore:     {name: "Store", args: 2, effect: WritesMem, aux: AuxOffset, memory: true, noValue: true, imm0: ImmStackAddr, imm1: ImmStored},
	OpAtomicAdd: {name: "AtomicAdd", args: 2, effect: WritesMem, aux: AuxOffset, memory: true, noValue: true, imm0: ImmStackAddr},
	// The skb loads read memory the program cannot change, but an
	// out-of-bounds LD_ABS ends the program; merging two equal loads keeps
	// that behaviour, removing an unused one only drops an early exit.
	// They read the context from R6 and clobber R0-R5 as a call does.
	OpLoadSkbInd: {name: "LoadSkbInd", args: 2, aux: AuxOffset, clobbers: callerSaved, result: r0, argRegs: skbCtx},
	OpLoadSkbAbs: {name: "LoadSkbAbs", args: 1, aux: AuxOffset, clobbers: callerSaved, result: r0, argRegs: skbCtx},
	// A packet pointer stays valid until a helper that changes the packet
	// runs; irgen loads it again after one, so it is only read memory.
	// The context's field is 32 bits: emit loads a word.
	OpPktPtr: {name: "PktPtr", args: 1, effect: ReadsMem, aux: AuxOffset},
	// The map operations become helper calls in expand, before register
	// allocation, so they have no register columns.
	OpMapLookup: {name: "MapLookup", args: 1, effect: ReadsMem, helper: true},
	OpMapUpdate: {name: "MapUpdate", args: 2, effect: WritesMem, aux: AuxFlags, helper: true},
	OpMapDelete: {name: "MapDelete", args: 1, effect: WritesMem, helper: true},
	OpCall:      {name: "Call", args: -1, effect: WritesMem, helper: true, clobbers: callerSaved, result: r0, argRegs: helperArgs},
}

// Effect says what an Op does besides computing its value.
type Effect uint8

// Effects, from none to most.
const (
	Pure      Effect = iota // no effect: may be folded, merged (CSE) and removed when unused
	ReadsMem                // reads memory: may be removed when unused, never merged across writes
	WritesMem               // writes memory or calls out: never removed or reordered
)

// AuxKind says what an op's AuxInt means.
type AuxKind uint8

// What AuxInt holds. The text form shows [AuxInt] for every op that has
// one, except a SlotAddr at its slot's start.
const (
	AuxNone       AuxKind = iota // nothing: AuxInt is 0
	AuxConst                     // the constant's value
	AuxOffset                    // bytes added to the address the op accesses
	AuxSlotOffset                // bytes past the start of the slot
	AuxFlags                     // flags for the helper the op becomes (MapUpdate: BPF_ANY, BPF_NOEXIST, BPF_EXIST)
)

// ImmRule says when an argument may be encoded in its op's instruction,
// as an immediate or as an offset from the frame pointer R10, instead of
// being read from a register. The rules' conditions are decided by
// regalloc.Inline, which allocation and emission both call.
type ImmRule uint8

// Rules, for the arguments that have one.
const (
	InReg        ImmRule = iota // always read from a register
	ImmS32                      // a constant that fits a sign-extended 32-bit immediate
	ImmDivisor                  // as ImmS32, but not 0: the verifier rejects division by an immediate 0
	ImmShift                    // a constant shift count, 0 to 63
	ImmU32Cmp                   // as ImmS32, or a 32-bit unsigned constant compared (JMP32) with a value of at most 32 unsigned bits
	ImmStored                   // a constant to store: any when fewer than 8 bytes are stored, as ImmS32 for 8
	ImmStackAddr                // the address of a stack slot (SlotAddr), encoded as R10 plus an offset
)

// RegSet is a set of BPF registers, bit n standing for Rn.
type RegSet uint16

// The registers the table names.
const (
	r0 RegSet = 1 << iota
	r1
	r2
	r3
	r4
	r5
	r6
)

// callerSaved are the registers a helper call, and an skb load, overwrite.
const callerSaved = r0 | r1 | r2 | r3 | r4 | r5

var (
	helperArgs = []RegSet{r1, r2, r3, r4, r5} // a helper's arguments, in order
	skbCtx     = []RegSet{r6}                 // LD_ABS and LD_IND read the context from R6
)

// Has reports whether s holds register r.
func (s RegSet) Has(r int) bool { return r >= 0 && r < 16 && s&(1<<r) != 0 }

// only returns the register of a set of one.
func (s RegSet) only() (int8, bool) {
	if s == 0 || s&(s-1) != 0 {
		return -1, false
	}
	r := int8(0)
	for s > 1 {
		s >>= 1
		r++
	}
	return r, true
}

// Effect returns what o does besides computing a value.
func (o Op) Effect() Effect { return opTable[o].effect }

// NumArgs returns o's fixed argument count, or -1 when it varies.
func (o Op) NumArgs() int { return opTable[o].args }

// AuxInt returns what o's AuxInt means.
func (o Op) AuxInt() AuxKind { return opTable[o].aux }

// IsCommutative reports whether o's two arguments may be swapped.
func (o Op) IsCommutative() bool { return opTable[o].commutative }

// IsCompare reports whether o is a comparison producing a Bool.
func (o Op) IsCompare() bool { return opTable[o].compare }

// Negate returns the comparison that is true exactly when o is false, or
// OpInvalid when there is none (Tst, and ops that do not compare).
func (o Op) Negate() Op { return opTable[o].negate }

// Swap returns the comparison with its operands exchanged (a < b is
// b > a); o itself when the order does not matter.
func (o Op) Swap() Op {
	if s := opTable[o].swap; s != OpInvalid {
		return s
	}
	return o
}

// IsMemAccess reports whether o reads or writes memory at its first
// argument plus AuxInt.
func (o Op) IsMemAccess() bool { return opTable[o].memory }

// CallsHelper reports whether o calls a BPF helper, or becomes such a
// call in the expand pass. A helper reads the memory its pointer
// arguments point to during the call only.
func (o Op) CallsHelper() bool { return opTable[o].helper }

// HasValue reports whether o defines a value; a store's Type is the
// width it writes.
func (o Op) HasValue() bool { return !opTable[o].noValue }

// Imm returns the rule under which argument i of o may be encoded in
// o's instruction rather than read from a register.
func (o Op) Imm(i int) ImmRule {
	switch i {
	case 0:
		return opTable[o].imm0
	case 1:
		return opTable[o].imm1
	}
	return InReg
}

// IsTwoAddress reports whether o's instruction computes into the
// register of its first argument (dst = a; dst op= b).
func (o Op) IsTwoAddress() bool { return opTable[o].twoAddress }

// IsRemat reports whether o is cheap enough to compute again right
// before each use (a constant, a stack address, a map) instead of
// keeping it in a register.
func (o Op) IsRemat() bool { return opTable[o].remat }

// Clobbers returns the registers o's instruction overwrites.
func (o Op) Clobbers() RegSet { return opTable[o].clobbers }

// ResultReg returns the register o's result must be in, if there is one.
// The instruction writes that register whether or not the result is used.
func (o Op) ResultReg() (int8, bool) { return opTable[o].result.only() }

// ArgReg returns the register argument i of o must be in, if there is one.
func (o Op) ArgReg(i int) (int8, bool) {
	regs := opTable[o].argRegs
	if i >= len(regs) {
		return -1, false
	}
	return regs[i].only()
}
