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

// Var is a local or a loop variable. U records whether its values are
// uint64_t: the generator keeps that the same on every assignment.
type Var struct {
	Name string
	U    bool
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

// Return is return x.
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
