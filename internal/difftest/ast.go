package difftest

// The generator's syntax tree: a small subset of Lua for kernel
// functions. Every node prints as Lua ([Prog.Source]) and has a meaning
// of its own ([Eval]); the compiler never sees these nodes.

// Expr is an expression.
type Expr interface{ expr() }

// Stmt is a statement.
type Stmt interface{ stmt() }

// Const is an integer literal: int64_t, or uint64_t with the ULL suffix.
// Hex prints it in hexadecimal (a value with the top bit set as its
// 64-bit pattern).
type Const struct {
	V   uint64
	ULL bool
	Hex bool
}

// Var is a local, a loop variable or a helper's parameter. U records whether its values are
// uint64_t: the generator keeps that the same on every assignment.
type Var struct {
	Name string
	U    bool
	Opt  bool // a helper's parameter that calls may leave out (nil)
}

// Pkt reads a header field or payload bytes through the dissectors.
type Pkt struct{ In *Input }

// Unop is -x, bit.bnot(x) or not x.
type Unop struct {
	Op string // "-", "bnot", "not"
	X  Expr
}

// Binop is an arithmetic, bit, shift, comparison or logical operation.
// Op is the Lua operator or the bit.* function name.
type Binop struct {
	Op   string
	X, Y Expr
}

// IsNil is x == nil (or x ~= nil when Not).
type IsNil struct {
	X   Expr
	Not bool
}

// Cast is ffi.cast(T, x).
type Cast struct {
	T *CType
	X Expr
}

// Swap is ntoh(x), or hton(x) when Hton.
type Swap struct {
	Hton bool
	X    Expr
}

// MapGet is m[key].
type MapGet struct {
	M   *Map
	Key Expr
}

// FieldGet is obj.field or obj.field[index] of a stack object.
type FieldGet struct {
	Obj   string
	S     *Struct
	F     *Field
	Index Expr // nil: a scalar member
}

func (*Const) expr()    {}
func (*Var) expr()      {}
func (*Pkt) expr()      {}
func (*Unop) expr()     {}
func (*Binop) expr()    {}
func (*IsNil) expr()    {}
func (*Cast) expr()     {}
func (*Swap) expr()     {}
func (*MapGet) expr()   {}
func (*FieldGet) expr() {}

// Local is `local name = x`.
type Local struct {
	Name string
	X    Expr
}

// Assign is `name = x`.
type Assign struct {
	Name string
	X    Expr
}

// If is if/else; an Else holding one If prints as elseif.
type If struct {
	Cond       Expr
	Then, Else []Stmt
}

// For is a numeric for loop with constant bounds.
type For struct {
	Var            string
	From, To, Step int64
	Body           []Stmt
}

// Break is break.
type Break struct{}

// MapSet is m[key] = val, or m[key] = nil when Val is nil.
type MapSet struct {
	M        *Map
	Key, Val Expr
}

// XAdd is xadd(m[key], val).
type XAdd struct {
	M        *Map
	Key, Val Expr
}

// NewObj is `local name = ffi.new('struct S')`.
type NewObj struct {
	Name string
	S    *Struct
}

// FieldSet is obj.field = x or obj.field[index] = x.
type FieldSet struct {
	Obj   string
	S     *Struct
	F     *Field
	Index Expr
	X     Expr
}

// Return is return x, or return (nothing) when X is nil.
type Return struct{ X Expr }

func (*Local) stmt()    {}
func (*Assign) stmt()   {}
func (*If) stmt()       {}
func (*For) stmt()      {}
func (*Break) stmt()    {}
func (*MapSet) stmt()   {}
func (*XAdd) stmt()     {}
func (*NewObj) stmt()   {}
func (*FieldSet) stmt() {}
func (*Return) stmt()   {}

// Prog is a generated kernel function and the frame it runs on.
type Prog struct {
	Seed  int64
	Frame []byte
	Funcs []*Func // helpers, defined before the kernel function
	Body  []Stmt
}

// isUnsigned reports whether e's values are uint64_t, as the README's
// rules decide it from the operands' types alone (so both operands of
// and/or count, whichever is taken).
func isUnsigned(e Expr) bool {
	switch e := e.(type) {
	case *Const:
		return e.ULL
	case *Var:
		return e.U
	case *Pkt:
		return false
	case *Unop:
		return e.Op != "not" && isUnsigned(e.X)
	case *Binop:
		switch e.Op {
		case "lshift", "rshift", "arshift":
			return isUnsigned(e.X)
		case "<", "<=", ">", ">=", "==", "~=":
			return false
		}
		return isUnsigned(e.X) || isUnsigned(e.Y)
	case *IsNil:
		return false
	case *Cast:
		return e.T == Uint64
	case *Swap:
		return swapWidth(e.X) == 8
	case *MapGet:
		return e.M.Value == Uint64
	case *FieldGet:
		return e.F.Type == Uint64
	case *StrEq, *ByteGet, *SHas, *LoadBytes, *Buf, *PktBytes, *STag, *StrLit:
		return false
	case *ElemGet:
		return e.F.Type == Uint64
	case *SGet:
		return e.F.Type == Uint64
	case *Call:
		return e.F.U
	}
	panic("difftest: unknown expression")
}

// typeOf returns the C type of e when it was read or cast as one (what
// ntoh swaps), else nil.
func typeOf(e Expr) *CType {
	switch e := e.(type) {
	case *Pkt:
		return e.In.Type
	case *Cast:
		return e.T
	case *FieldGet:
		return e.F.Type
	case *MapGet:
		return e.M.Value
	case *ByteGet:
		return Char
	case *ElemGet:
		return e.F.Type
	case *SGet:
		return e.F.Type
	}
	return nil
}

// swapWidth is the number of bytes ntoh(e) swaps: the size of the type
// e was read or cast as, else 4 (a literal or a result of arithmetic).
func swapWidth(e Expr) int {
	if t := typeOf(e); t != nil {
		return t.Size
	}
	return 4
}

// The byte-memory constructs: char arrays compared with strings,
// ffi.copy and load_bytes into them, and the struct map sm with keys
// and values taken from stack arrays of structs.

// Buf is a char array: on the stack str, strs[Index] or
// vals[Index].tag (Tag), or in a map value sm[keys[Index]].tag (Map;
// O is keys then).
type Buf struct {
	O     *ArrObj
	Index Expr // nil for str
	Tag   bool
	Map   bool
}

// Size is the number of bytes of the char array.
func (b *Buf) Size() int {
	if b.Tag || b.Map {
		return 2
	}
	return b.O.Size
}

// PktBytes is the packet's bytes at Off from hdr.data: the slice
// hdr.data(Off, Off+W) when Slice, else the position hdr.data + Off.
// At is the absolute offset in the frame.
type PktBytes struct {
	Hdr     string
	Off, At int
	W       int
	Slice   bool
	// Dyn, when not nil, is an expression of a packet input that is Off
	// at run time: the position is hdr.data + Dyn (the slice
	// (hdr.data + Dyn)(0, W)). The minimiser leaves it alone.
	Dyn Expr
}

// STag is sm[keys[Key]].tag, a char array of a map value.
type STag struct{ Key Expr }

// StrLit is a string literal: the source of an ffi.copy.
type StrLit struct{ S string }

// StrEq is x == 'lit' (or ~= when Not). X is a *Buf, an *STag, a
// *PktBytes, or a number (*Pkt, *ByteGet) that a one-character literal
// compares with as its byte.
type StrEq struct {
	X   Expr
	Lit string
	Not bool
}

// ByteGet is buf[Index], a char of a char array.
type ByteGet struct {
	B     *Buf
	Index Expr
}

// ElemGet is o[Index].F, a member of an element of an array of structs.
type ElemGet struct {
	O     *ArrObj
	Index Expr
	F     *Field
}

// SGet is sm[keys[Key]].F: the member of the entry, 0 when there is none.
type SGet struct {
	Key Expr
	F   *Field
}

// SHas is sm[keys[Key]] ~= nil (== nil when Not).
type SHas struct {
	Key Expr
	Not bool
}

// LoadBytes is load_bytes(Off, Dst[, Len]) (Len < 0: without one); it
// appears only as the value of a local.
type LoadBytes struct {
	Off Expr
	Dst *Buf
	Len int
}

func (*Buf) expr()       {}
func (*PktBytes) expr()  {}
func (*STag) expr()      {}
func (*StrLit) expr()    {}
func (*StrEq) expr()     {}
func (*ByteGet) expr()   {}
func (*ElemGet) expr()   {}
func (*SGet) expr()      {}
func (*SHas) expr()      {}
func (*LoadBytes) expr() {}

// NewArr is `local name = ffi.new('type')` of a byte object.
type NewArr struct{ O *ArrObj }

// Copy is ffi.copy(Dst, Src[, Len]) (Len < 0: without one); Src is a
// *StrLit, a *Buf or a *PktBytes position.
type Copy struct {
	Dst *Buf
	Src Expr
	Len int
}

// ByteSet is buf[Index] = X.
type ByteSet struct {
	B     *Buf
	Index Expr
	X     Expr
}

// ElemSet is o[Index].F = X.
type ElemSet struct {
	O     *ArrObj
	Index Expr
	F     *Field
	X     Expr
}

// SSet is sm[keys[Key]] = vals[Val], or sm[keys[Key]] = nil when Val is
// nil.
type SSet struct{ Key, Val Expr }

// SFieldSet is sm[keys[Key]].F = X.
type SFieldSet struct {
	Key Expr
	F   *Field
	X   Expr
}

// SXAdd is xadd(sm[keys[Key]].F, X).
type SXAdd struct {
	Key Expr
	F   *Field
	X   Expr
}

func (*NewArr) stmt()    {}
func (*Copy) stmt()      {}
func (*ByteSet) stmt()   {}
func (*ElemSet) stmt()   {}
func (*SSet) stmt()      {}
func (*SFieldSet) stmt() {}
func (*SXAdd) stmt()     {}
