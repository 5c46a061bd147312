package difftest

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
)

// Result is what a run of a program leaves that a user sees: its return
// value (a socket filter's is 32 bits) and its maps.
type Result struct {
	Ret uint32
	A   [8]uint64            // the array map a
	H   map[int64]int32      // the hash map h
	Out [16]uint64           // the array map out
	S   map[[8]byte][16]byte // the struct map sm
}

// String prints r in one canonical form, so results compare as text.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ret=%#x a=[", r.Ret)
	for i, v := range r.A {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%#x", v)
	}
	b.WriteString("] h={")
	keys := make([]int64, 0, len(r.H))
	for k := range r.H {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%d", k, r.H[k])
	}
	b.WriteString("} out=[")
	for i, v := range r.Out {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%#x", v)
	}
	b.WriteString("]")
	if len(r.S) > 0 {
		// Only when there are entries, so that the results of programs
		// without sm print as they did before it.
		keys := make([]string, 0, len(r.S))
		for k := range r.S {
			keys = append(keys, string(k[:]))
		}
		sort.Strings(keys)
		b.WriteString(" sm={")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			v := r.S[[8]byte([]byte(k))]
			fmt.Fprintf(&b, "%x:%x", k, v[:])
		}
		b.WriteString("}")
	}
	return b.String()
}

// val is a value with its C type. A map read also records whether the
// entry was there: that, not the value, is its truth in conditions,
// `== nil`, not, and and/or (the README: `if m[k]` and `m[k] == nil`
// test whether the entry exists).
type val struct {
	bits    uint64
	t       *CType
	mapRead bool
	present bool
}

func (v val) truthy() bool {
	if v.mapRead {
		return v.present
	}
	return v.bits != 0
}

func boolVal(b bool) val {
	if b {
		return val{bits: 1, t: Int64}
	}
	return val{t: Int64}
}

// promote is the type an operation gives a value of type t: uint64_t
// stays, everything narrower becomes int64_t.
func promote(t *CType) *CType {
	if t.Unsigned64() {
		return Uint64
	}
	return Int64
}

// machine is the evaluator's state.
type machine struct {
	vars     map[string]val
	objs     map[string]map[string][]uint64
	arrs     map[string][]byte
	sm       map[[8]byte]*[16]byte // the struct map, copied to res.S at the end
	frame    []byte
	res      Result
	returned bool
	broke    bool
	funcs    map[string]*Func
	depth    int // calls of helpers being run
	ret      val // the value the running helper returns
	// hgen counts the stores and deletes of each key of h: a hash map
	// update puts a new element in place of the old one, so an xadd
	// whose entry was looked up before it was replaced adds to nothing.
	hgen map[int64]int
}

// Eval runs p with the README's rules for kernel functions and returns
// what the kernel must leave.
func Eval(p *Prog) *Result {
	m := &machine{vars: map[string]val{}, objs: map[string]map[string][]uint64{}, arrs: map[string][]byte{}, frame: p.Frame, hgen: map[int64]int{}}
	m.res.H = map[int64]int32{}
	m.res.S = map[[8]byte][16]byte{}
	m.sm = map[[8]byte]*[16]byte{}
	m.funcs = map[string]*Func{}
	for _, f := range p.Funcs {
		m.funcs[f.Name] = f
	}
	m.block(p.Body)
	for k, v := range m.sm {
		m.res.S[k] = *v
	}
	return &m.res
}

func (m *machine) block(body []Stmt) {
	for _, s := range body {
		if m.returned || m.broke {
			return
		}
		m.stmt(s)
	}
}

func (m *machine) stmt(s Stmt) {
	switch s := s.(type) {
	case *Local:
		m.vars[s.Name] = m.eval(s.X)
	case *Assign:
		m.vars[s.Name] = m.eval(s.X)
	case *If:
		if m.cond(s.Cond) {
			m.block(s.Then)
		} else {
			m.block(s.Else)
		}
	case *For:
		for k := uint64(0); k < tripCount(s.From, s.To, s.Step); k++ {
			m.vars[s.Var] = val{bits: uint64(s.From) + k*uint64(s.Step), t: Int64}
			m.block(s.Body)
			if m.returned {
				return
			}
			if m.broke {
				m.broke = false
				return
			}
		}
	case *Break:
		m.broke = true
	case *MapSet:
		m.mapSet(s.M, m.eval(s.Key), s.Val)
	case *XAdd:
		// Lua evaluates xadd's arguments in order: m[k] names the entry
		// before the value is computed, so an entry a call in the value
		// creates gets nothing added.
		k := m.eval(s.Key)
		had := m.mapGet(s.M, k).present
		hk := int64(s.M.Key.Convert(k.bits))
		gen := m.hgen[hk]
		x := m.eval(s.Val)
		if had && (s.M != MapH || m.hgen[hk] == gen) {
			m.xadd(s.M, k, x)
		}
	case *NewObj:
		o := map[string][]uint64{}
		for _, f := range s.S.Fields {
			o[f.Name] = make([]uint64, max(f.Len, 1))
		}
		m.objs[s.Name] = o
	case *FieldSet:
		i, ok := m.element(s.F, s.Index)
		x := m.eval(s.X).bits // also when nothing is stored: a call in it runs
		if ok {
			m.objs[s.Obj][s.F.Name][i] = s.F.Type.Convert(x)
		}
	case *CallStmt:
		m.call(s.C)
	case *Return:
		if m.depth > 0 {
			if s.X != nil {
				m.ret = m.eval(s.X)
			}
			m.returned = true
			return
		}
		m.res.Ret = uint32(m.eval(s.X).bits)
		m.returned = true
	default:
		m.memStmt(s)
	}
}

// cond is e's truth as the condition of an if: and, or and not are
// Lua's logic on the truths of their operands, so a map read anywhere
// in them is true when its entry exists; anything else is true when its
// value is (see val.truthy).
func (m *machine) cond(e Expr) bool {
	switch e := e.(type) {
	case *Binop:
		switch e.Op {
		case "and":
			return m.cond(e.X) && m.cond(e.Y)
		case "or":
			return m.cond(e.X) || m.cond(e.Y)
		}
	case *Unop:
		if e.Op == "not" {
			return !m.cond(e.X)
		}
	}
	return m.eval(e).truthy()
}

// element returns the element a member access names: 0 for a scalar
// member, the index when it is in range; an index out of range names
// nothing (reads give 0, writes do nothing).
func (m *machine) element(f *Field, index Expr) (int, bool) {
	if index == nil {
		return 0, true
	}
	i := m.eval(index).bits
	if i >= uint64(f.Len) {
		return 0, false
	}
	return int(i), true
}

func (m *machine) mapGet(mp *Map, key val) val {
	k := mp.Key.Convert(key.bits)
	v := val{t: mp.Value, mapRead: true}
	switch mp {
	case MapA:
		if k < uint64(len(m.res.A)) {
			v.bits, v.present = m.res.A[k], true
		}
	case MapOut:
		if k < uint64(len(m.res.Out)) {
			v.bits, v.present = m.res.Out[k], true
		}
	case MapH:
		if x, ok := m.res.H[int64(k)]; ok {
			v.bits, v.present = uint64(int64(x)), true
		}
	}
	return v
}

// mapSet stores or (val nil) deletes an entry. An array index out of
// range and a new key in a full hash map change nothing, as the kernel
// refuses those updates.
func (m *machine) mapSet(mp *Map, key val, x Expr) {
	k := mp.Key.Convert(key.bits)
	if x == nil {
		if mp == MapH {
			delete(m.res.H, int64(k))
			m.hgen[int64(k)]++
		}
		return
	}
	// The value is evaluated whether or not the update happens: a call
	// in it runs.
	v := mp.Value.Convert(m.eval(x).bits)
	switch mp {
	case MapA:
		if k < uint64(len(m.res.A)) {
			m.res.A[k] = v
		}
	case MapOut:
		if k < uint64(len(m.res.Out)) {
			m.res.Out[k] = v
		}
	case MapH:
		if _, ok := m.res.H[int64(k)]; ok || len(m.res.H) < mp.MaxEntries {
			m.res.H[int64(k)] = int32(v)
			m.hgen[int64(k)]++
		}
	}
}

// xadd adds to an entry that is there, in the value's width.
func (m *machine) xadd(mp *Map, key, x val) {
	k := mp.Key.Convert(key.bits)
	switch mp {
	case MapA:
		if k < uint64(len(m.res.A)) {
			m.res.A[k] += x.bits
		}
	case MapOut:
		if k < uint64(len(m.res.Out)) {
			m.res.Out[k] += x.bits
		}
	case MapH:
		if old, ok := m.res.H[int64(k)]; ok {
			m.res.H[int64(k)] = old + int32(x.bits)
		}
	}
}

func (m *machine) eval(e Expr) val {
	switch e := e.(type) {
	case *Const:
		if e.ULL {
			return val{bits: e.V, t: Uint64}
		}
		return val{bits: e.V, t: Int64}
	case *Var:
		v, ok := m.vars[e.Name]
		if !ok {
			panic("difftest: unbound " + e.Name)
		}
		return v
	case *Pkt:
		return val{bits: e.In.V, t: e.In.Type}
	case *Unop:
		x := m.eval(e.X)
		switch e.Op {
		case "-":
			return val{bits: -x.bits, t: promote(x.t)}
		case "bnot":
			return val{bits: ^x.bits, t: promote(x.t)}
		case "not":
			return boolVal(!x.truthy())
		}
	case *Binop:
		return m.binop(e)
	case *Call:
		return m.call(e)
	case *IsNil:
		return boolVal(m.eval(e.X).truthy() == e.Not)
	case *Cast:
		return val{bits: e.T.Convert(m.eval(e.X).bits), t: e.T}
	case *Swap:
		x := m.eval(e.X)
		switch swapWidth(e.X) {
		case 1:
			return x
		case 2:
			return val{bits: uint64(bits.ReverseBytes16(uint16(x.bits))), t: Uint16}
		case 4:
			return val{bits: uint64(bits.ReverseBytes32(uint32(x.bits))), t: Uint32}
		default:
			return val{bits: bits.ReverseBytes64(x.bits), t: promote(x.t)}
		}
	case *MapGet:
		return m.mapGet(e.M, m.eval(e.Key))
	case *FieldGet:
		t := e.F.Type
		if i, ok := m.element(e.F, e.Index); ok {
			return val{bits: m.objs[e.Obj][e.F.Name][i], t: t}
		}
		return val{t: t}
	}
	return m.memExpr(e)
}

func (m *machine) binop(e *Binop) val {
	x := m.eval(e.X)
	switch e.Op {
	case "and", "or":
		// One operand, converted as C's conditional operator converts
		// both: uint64_t when either is.
		// Lua's choice, by the truth of x (a map read: whether its
		// entry exists); the result is a number. The other operand is
		// not evaluated: a call in it does not run.
		v := x
		if x.truthy() != (e.Op == "or") {
			v = m.eval(e.Y)
		}
		v.mapRead = false
		v.t = Int64
		if isUnsigned(e) {
			v.t = Uint64
		}
		return v
	}
	y := m.eval(e.Y)
	u := x.t.Unsigned64() || y.t.Unsigned64()
	t := Int64
	if u {
		t = Uint64
	}
	a, b := x.bits, y.bits
	switch e.Op {
	case "+":
		return val{bits: a + b, t: t}
	case "-":
		return val{bits: a - b, t: t}
	case "*":
		return val{bits: a * b, t: t}
	case "/":
		return val{bits: divide(a, b, u), t: t}
	case "%":
		return val{bits: modulo(a, b, u), t: t}
	case "band":
		return val{bits: a & b, t: t}
	case "bor":
		return val{bits: a | b, t: t}
	case "bxor":
		return val{bits: a ^ b, t: t}
	case "lshift":
		return val{bits: a << (b & 63), t: promote(x.t)}
	case "rshift":
		return val{bits: a >> (b & 63), t: promote(x.t)}
	case "arshift":
		return val{bits: uint64(int64(a) >> (b & 63)), t: promote(x.t)}
	case "==":
		return boolVal(a == b)
	case "~=":
		return boolVal(a != b)
	case "<":
		return boolVal(less(a, b, u))
	case "<=":
		return boolVal(!less(b, a, u))
	case ">":
		return boolVal(less(b, a, u))
	case ">=":
		return boolVal(!less(a, b, u))
	}
	panic("difftest: unknown operator " + e.Op)
}

func less(a, b uint64, unsigned bool) bool {
	if unsigned {
		return a < b
	}
	return int64(a) < int64(b)
}

// divide is C's truncating division; x / 0 is 0 and INT64_MIN / -1 is
// INT64_MIN.
func divide(a, b uint64, unsigned bool) uint64 {
	if b == 0 {
		return 0
	}
	if unsigned {
		return a / b
	}
	if int64(b) == -1 {
		return -a
	}
	return uint64(int64(a) / int64(b))
}

// modulo takes the dividend's sign; x % 0 is x and x % -1 is 0.
func modulo(a, b uint64, unsigned bool) uint64 {
	if b == 0 {
		return a
	}
	if unsigned {
		return a % b
	}
	if int64(b) == -1 {
		return 0
	}
	return uint64(int64(a) % int64(b))
}

// tripCount is how many times `for i = from, to, step` runs its body:
// i takes from, from + step, ... while it has not passed to, and never
// wraps around.
func tripCount(from, to, step int64) uint64 {
	switch {
	case step > 0 && from <= to:
		return (uint64(to)-uint64(from))/uint64(step) + 1
	case step < 0 && from >= to:
		return (uint64(from)-uint64(to))/(-uint64(step)) + 1
	}
	return 0
}
