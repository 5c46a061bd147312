package ir

import "fmt"

// Func is one compiled Lua function in IR form.
type Func struct {
	Name   string
	File   string   // Lua file the positions refer to
	Blocks []*Block // Blocks[0] is the entry
	Slots  []*Slot  // stack objects

	nextValue int
	nextBlock int
}

// BlockKind says how a block ends.
type BlockKind uint8

// Block kinds.
const (
	BlockPlain BlockKind = iota // continue with Succs[0]
	BlockIf                     // Succs[0] if Control is true, else Succs[1]
	BlockRet                    // return Control
)

var blockKindNames = [...]string{"Plain", "If", "Ret"}

// String returns the kind's text form: "Plain", "If", "Ret".
func (k BlockKind) String() string { return blockKindNames[k] }

// Block is a basic block.
type Block struct {
	ID      int
	Kind    BlockKind
	Values  []*Value
	Control *Value
	Succs   []*Block
	Preds   []*Block
	Func    *Func
	Line    int // Lua line of the statement that ends the block (jumps, returns)
}

// Value is one SSA value.
type Value struct {
	ID     int
	Op     Op
	Type   Type
	Args   []*Value
	AuxInt int64
	Aux    any // *Slot, *MapRef or asm.BuiltinFunc (the helper a Call calls)
	Block  *Block
	Line   int // Lua line this value came from, 0 if none
	Uses   int // number of Args and Controls referring to this value

	// Reg is the register assigned by regalloc, -1 before.
	Reg int8
}

// Slot is a stack object: a key or value built for a helper, an ffi.new
// object, a spilled register.
type Slot struct {
	ID     int
	Name   string // what it holds, for dumps
	Size   int
	Align  int
	Offset int // R10-relative offset (negative), set by frame layout
	Line   int // Lua line that made it, for "too much stack" errors
}

// String returns "sN".
func (s *Slot) String() string { return fmt.Sprintf("s%d", s.ID) }

// MapRef is a map a program uses: emit records Name as the reference of
// the instruction that loads it, which a loader binds to the map.
type MapRef struct {
	Name      string
	KeySize   int
	ValueSize int
}

// String returns the map's name.
func (m *MapRef) String() string { return m.Name }

// NewFunc returns an empty function with an entry block.
func NewFunc(name, file string) *Func {
	f := &Func{Name: name, File: file}
	f.NewBlock(BlockPlain)
	return f
}

// Entry returns the entry block.
func (f *Func) Entry() *Block { return f.Blocks[0] }

// NewBlock appends a new block of kind k.
func (f *Func) NewBlock(k BlockKind) *Block {
	b := &Block{ID: f.nextBlock, Kind: k, Func: f}
	f.nextBlock++
	f.Blocks = append(f.Blocks, b)
	return b
}

// NewSlot adds a stack object of size bytes.
func (f *Func) NewSlot(name string, size, align, line int) *Slot {
	s := &Slot{ID: len(f.Slots), Name: name, Size: size, Align: align, Line: line}
	f.Slots = append(f.Slots, s)
	return s
}

// NumValues returns an upper bound on value IDs, for dense tables.
func (f *Func) NumValues() int { return f.nextValue }

// NumBlocks returns an upper bound on block IDs, for dense tables.
func (f *Func) NumBlocks() int { return f.nextBlock }

func (f *Func) newValue(op Op, t Type, b *Block, line int, args []*Value) *Value {
	v := &Value{ID: f.nextValue, Op: op, Type: t, Block: b, Line: line, Reg: -1}
	f.nextValue++
	v.Args = append([]*Value(nil), args...)
	for _, a := range args {
		a.Uses++
	}
	return v
}

// NewValue appends a value to b.
func (b *Block) NewValue(op Op, t Type, line int, args ...*Value) *Value {
	v := b.Func.newValue(op, t, b, line, args)
	b.Values = append(b.Values, v)
	return v
}

// NewValueAt inserts a value into b before index i.
func (b *Block) NewValueAt(i int, op Op, t Type, line int, args ...*Value) *Value {
	v := b.Func.newValue(op, t, b, line, args)
	b.Values = append(b.Values, nil)
	copy(b.Values[i+1:], b.Values[i:])
	b.Values[i] = v
	return v
}

// NewConst appends an integer constant to b.
func (b *Block) NewConst(t Type, c int64, line int) *Value {
	v := b.NewValue(OpConst, t, line)
	v.AuxInt = c
	return v
}

// AddEdge makes c a successor of b.
func (b *Block) AddEdge(c *Block) {
	b.Succs = append(b.Succs, c)
	c.Preds = append(c.Preds, b)
}

// SetControl sets b's control value, keeping use counts right.
func (b *Block) SetControl(v *Value) {
	if b.Control != nil {
		b.Control.Uses--
	}
	b.Control = v
	if v != nil {
		v.Uses++
	}
}

// PredIndex returns the index of p in b.Preds, or -1.
func (b *Block) PredIndex(p *Block) int {
	for i, q := range b.Preds {
		if q == p {
			return i
		}
	}
	return -1
}

// Index returns the index of v in b.Values, or -1.
func (b *Block) Index(v *Value) int {
	for i, x := range b.Values {
		if x == v {
			return i
		}
	}
	return -1
}

// HasPhis reports whether b starts with a phi.
func (b *Block) HasPhis() bool { return len(b.Values) > 0 && b.Values[0].Op == OpPhi }

// String returns "bN".
func (b *Block) String() string { return fmt.Sprintf("b%d", b.ID) }

// String returns "vN".
func (v *Value) String() string { return fmt.Sprintf("v%d", v.ID) }

// SetArg replaces argument i, keeping use counts right.
func (v *Value) SetArg(i int, a *Value) {
	v.Args[i].Uses--
	v.Args[i] = a
	a.Uses++
}

// SetArgs replaces all arguments.
func (v *Value) SetArgs(args ...*Value) {
	for _, a := range v.Args {
		a.Uses--
	}
	v.Args = append(v.Args[:0:0], args...)
	for _, a := range args {
		a.Uses++
	}
}

// AddArg appends an argument.
func (v *Value) AddArg(a *Value) {
	v.Args = append(v.Args, a)
	a.Uses++
}

// Reset turns v into op with no arguments, e.g. to fold it to a constant.
func (v *Value) Reset(op Op) {
	for _, a := range v.Args {
		a.Uses--
	}
	v.Op = op
	v.Args = v.Args[:0]
	v.AuxInt = 0
	v.Aux = nil
}

// ResetConst turns v into the constant c.
func (v *Value) ResetConst(c int64) {
	v.Reset(OpConst)
	v.AuxInt = c
}

// ResetCopy turns v into a copy of a.
func (v *Value) ResetCopy(a *Value) {
	v.Reset(OpCopy)
	v.AddArg(a)
}

// IsConst reports whether v is a constant, and returns it.
func (v *Value) IsConst() (int64, bool) {
	if v.Op == OpConst {
		return v.AuxInt, true
	}
	return 0, false
}

// ReplaceUses makes every use of old, in values and block controls, use
// new instead.
func (f *Func) ReplaceUses(old, new *Value) {
	if old == new {
		return
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				if a == old {
					v.SetArg(i, new)
				}
			}
		}
		if b.Control == old {
			b.SetControl(new)
		}
	}
}

// RemoveDead deletes values in b for which keep returns false. Their
// arguments lose a use each.
func (b *Block) RemoveDead(keep func(*Value) bool) {
	out := b.Values[:0]
	for _, v := range b.Values {
		if keep(v) {
			out = append(out, v)
			continue
		}
		for _, a := range v.Args {
			a.Uses--
		}
		v.Args = nil
		v.Block = nil
	}
	for i := len(out); i < len(b.Values); i++ {
		b.Values[i] = nil
	}
	b.Values = out
}

// RemovePred removes the edge from p to b, and the matching phi arguments.
func (b *Block) RemovePred(p *Block) {
	i := b.PredIndex(p)
	if i < 0 {
		return
	}
	b.Preds = append(b.Preds[:i], b.Preds[i+1:]...)
	for _, v := range b.Values {
		if v.Op != OpPhi {
			continue
		}
		v.Args[i].Uses--
		v.Args = append(v.Args[:i], v.Args[i+1:]...)
	}
}

// RemoveSucc removes b's edge to successor index i (and the pred edge).
func (b *Block) RemoveSucc(i int) {
	s := b.Succs[i]
	b.Succs = append(b.Succs[:i], b.Succs[i+1:]...)
	s.RemovePred(b)
}

// ReplaceSucc retargets b's edge to old so that it goes to new; new gets b
// as its last predecessor (callers add phi arguments).
func (b *Block) ReplaceSucc(old, new *Block) {
	for i, s := range b.Succs {
		if s == old {
			b.Succs[i] = new
			old.RemovePred(b)
			new.Preds = append(new.Preds, b)
			return
		}
	}
}

// RemoveUnreachable drops blocks the entry cannot reach.
func (f *Func) RemoveUnreachable() bool {
	seen := make([]bool, f.nextBlock)
	var walk func(b *Block)
	walk = func(b *Block) {
		if seen[b.ID] {
			return
		}
		seen[b.ID] = true
		for _, s := range b.Succs {
			walk(s)
		}
	}
	walk(f.Entry())
	changed := false
	for _, b := range f.Blocks {
		if seen[b.ID] {
			continue
		}
		changed = true
		for len(b.Succs) > 0 {
			b.RemoveSucc(0)
		}
	}
	out := f.Blocks[:0]
	for _, b := range f.Blocks {
		if seen[b.ID] {
			out = append(out, b)
			continue
		}
		b.SetControl(nil)
		b.RemoveDead(func(*Value) bool { return false })
	}
	f.Blocks = out
	return changed
}
