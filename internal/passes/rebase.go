package passes

import "github.com/luabpf/luabpf/internal/ir"

// rebase keeps a run-time packet offset as the packet pointer it is
// added to, where that saves instructions. A position built from
// offsets (a header length, a label's length plus one) and merged from
// several paths (a phi) is an integer that each access adds to the
// packet's start again: "r0 = r2; r0 += r4" before every check and read.
// When the offsets are used for nothing but such sums, rebase computes
// the sums on the pointer instead, as C code does: (start + a) + k for
// start + (a + k), phi(start + a, start + b) for start + phi(a, b), so
// the accesses use the pointer directly.
//
// The offsets it rewrites form webs: integer adds and phis whose every
// use is either an address (start + x) or another member of the web,
// through one operand of an add (its spine; the other stays an integer).
// A web changes only when every address it feeds has the same base, the
// base is defined before every member, and the rewrite removes more
// additions than the new pointers it needs cost.
//
// The verifier must accept the pointers wherever it accepted the sums.
// It refuses arithmetic with a pointer when the scalar's lower bound is
// unknown or far from 0, and a packet access through a pointer whose
// variable part may be negative; and where the sum put every constant
// into the variable part of the pointer, the pointer keeps them in its
// fixed part. So every operand outside the web must have a bound the
// verifier derives from the operand's computation alone (a narrow load,
// a mask, a small shift, a sum or phi of such; see verifierMax), at
// least 0, and small enough for every pointer of the web to stay far
// below the verifier's limits. Offsets whose bound the program checks
// at run time (irgen's check against MAX_PACKET_OFF) are compared, so
// they are not in a web.
//
// It runs after boundselim, which matches checks on one base pointer
// value, and before addrfold, which then folds the constant steps of the
// pointers into the accesses' offsets.
func rebase(f *ir.Func) {
	r := newRebaser(f)
	for _, web := range r.webs() {
		r.rewrite(web)
	}
	if len(r.repl) > 0 {
		replaceAll(f, r.repl)
	}
}

// rebaseLimit bounds the offsets of a web's pointers from their base,
// far below the 2^29 the verifier allows a pointer's offset to reach.
const rebaseLimit = 1 << 24

// rebaser holds what rebase knows about a function.
type rebaser struct {
	f      *ir.Func
	dom    *ir.DomTree
	uses   map[*ir.Value][]*ir.Value // the values using each value, nil for a block's control
	member map[*ir.Value]bool
	bound  map[*ir.Value]int64 // verifierMax's results; -1 while computing, or unknown
	// ptrs lists the pointer additions base + a by base and a.
	ptrs map[[2]*ir.Value][]*ir.Value
	repl map[*ir.Value]*ir.Value // addresses replaced by a member
}

func newRebaser(f *ir.Func) *rebaser {
	r := &rebaser{f: f, dom: f.Dominators(), uses: map[*ir.Value][]*ir.Value{}, member: map[*ir.Value]bool{},
		bound: map[*ir.Value]int64{}, ptrs: map[[2]*ir.Value][]*ir.Value{}, repl: map[*ir.Value]*ir.Value{}}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for _, a := range v.Args {
				r.uses[a] = append(r.uses[a], v)
			}
			if base, x, ok := address(v); ok {
				k := [2]*ir.Value{base, x}
				r.ptrs[k] = append(r.ptrs[k], v)
			}
			if (v.Op == ir.OpAdd || v.Op == ir.OpPhi) && v.Type.Kind == ir.KInt {
				r.member[v] = true
			}
		}
		if b.Control != nil {
			r.uses[b.Control] = append(r.uses[b.Control], nil)
		}
	}
	return r
}

// address recognises v = base + x, a packet pointer plus an integer.
func address(v *ir.Value) (base, x *ir.Value, ok bool) {
	if v.Op != ir.OpAdd || v.Type.Space != ir.SpacePkt {
		return nil, nil, false
	}
	p, i := v.Args[0], v.Args[1]
	if !p.Type.IsPtr() {
		p, i = i, p
	}
	if p.Type.Space != ir.SpacePkt || i.Type.Kind != ir.KInt {
		return nil, nil, false
	}
	return p, i, true
}

// webs returns the webs of offsets, each a list of members in the
// function's order, after dropping every candidate with a use outside
// its web until none is left, and every add of two members (a pointer
// plus a pointer is no pointer).
func (r *rebaser) webs() [][]*ir.Value {
	for {
		for changed := true; changed; {
			changed = false
			r.eachMember(func(v *ir.Value) {
				if !r.usesFit(v) {
					delete(r.member, v)
					changed = true
				}
			})
		}
		var both []*ir.Value
		r.eachMember(func(v *ir.Value) {
			if v.Op == ir.OpAdd && r.member[v.Args[0]] && r.member[v.Args[1]] {
				both = append(both, v)
			}
		})
		if len(both) == 0 {
			break
		}
		for _, v := range both {
			delete(r.member, v)
		}
	}
	// Union members with the members they use.
	parent := map[*ir.Value]*ir.Value{}
	var find func(v *ir.Value) *ir.Value
	find = func(v *ir.Value) *ir.Value {
		if p, ok := parent[v]; ok && p != v {
			parent[v] = find(p)
			return parent[v]
		}
		return v
	}
	var order []*ir.Value
	for _, b := range r.f.Blocks {
		for _, v := range b.Values {
			if !r.member[v] {
				continue
			}
			order = append(order, v)
			for _, a := range v.Args {
				if r.member[a] {
					parent[find(a)] = find(v)
				}
			}
		}
	}
	byRoot := map[*ir.Value][]*ir.Value{}
	var roots []*ir.Value
	for _, v := range order {
		root := find(v)
		if byRoot[root] == nil {
			roots = append(roots, root)
		}
		byRoot[root] = append(byRoot[root], v)
	}
	var out [][]*ir.Value
	for _, root := range roots {
		out = append(out, byRoot[root])
	}
	return out
}

// eachMember calls fn on each member, in the function's order.
func (r *rebaser) eachMember(fn func(v *ir.Value)) {
	for _, b := range r.f.Blocks {
		for _, v := range b.Values {
			if r.member[v] {
				fn(v)
			}
		}
	}
}

// usesFit reports whether every use of v is an address or a member.
func (r *rebaser) usesFit(v *ir.Value) bool {
	for _, u := range r.uses[v] {
		switch {
		case u == nil:
			return false
		case r.member[u]:
		default:
			if _, x, ok := address(u); !ok || x != v {
				return false
			}
		}
	}
	return true
}

// rewrite turns web into pointers from its base when that pays.
func (r *rebaser) rewrite(web []*ir.Value) {
	base := r.baseOf(web)
	if base == nil {
		return
	}
	hi := map[*ir.Value]int64{}
	for _, m := range web {
		if r.hiOf(m, hi) < 0 {
			return
		}
	}
	spine := map[*ir.Value]int{}
	saved, cost := 0, 0
	for _, m := range web {
		for _, u := range r.uses[m] {
			if !r.member[u] {
				saved++
			}
		}
		if m.Op == ir.OpPhi {
			for i, a := range m.Args {
				if !r.member[a] && r.leafPtr(base, a, m.Block.Preds[i], nil) == nil {
					cost++
				}
			}
			continue
		}
		spine[m] = r.spineOf(base, m)
		if a := m.Args[spine[m]]; !r.member[a] && r.leafPtr(base, a, m.Block, m) == nil {
			cost++
		}
	}
	if saved <= cost {
		return
	}
	for _, m := range web {
		r.toPointer(base, m, spine[m])
		for _, u := range r.uses[m] {
			if !r.member[u] {
				r.repl[u] = m
			}
		}
	}
}

// baseOf returns the one pointer every address of web adds to, when it
// is defined before every member (before the predecessors of a phi's
// block, where a phi's leaves become pointers), else nil.
func (r *rebaser) baseOf(web []*ir.Value) *ir.Value {
	var base *ir.Value
	for _, m := range web {
		for _, u := range r.uses[m] {
			if r.member[u] {
				continue
			}
			p, _, _ := address(u)
			if base != nil && p != base {
				return nil
			}
			base = p
		}
	}
	if base == nil {
		return nil
	}
	for _, m := range web {
		if m.Op == ir.OpPhi && (base.Block == m.Block || !r.dom.Dominates(base.Block, m.Block)) {
			return nil
		}
		if !r.dom.ValueDominates(base, m) {
			return nil
		}
	}
	return base
}

// hiOf returns the largest offset from the base a member's pointer can
// have, or -1 when an operand outside the web has no bound verifierMax
// knows or the offset could exceed rebaseLimit.
func (r *rebaser) hiOf(v *ir.Value, hi map[*ir.Value]int64) int64 {
	if !r.member[v] {
		return r.verifierMax(v)
	}
	if h, ok := hi[v]; ok {
		return h
	}
	h := int64(0)
	for _, a := range v.Args {
		ha := r.hiOf(a, hi)
		if ha < 0 {
			h = -1
			break
		}
		if v.Op == ir.OpPhi {
			h = max(h, ha)
		} else {
			h += ha
		}
	}
	if h > rebaseLimit {
		h = -1
	}
	hi[v] = h
	return h
}

// spineOf picks the operand of add member m that becomes a pointer: a
// member, or else a leaf already added to base before m, or else one
// that is not a constant.
func (r *rebaser) spineOf(base, m *ir.Value) int {
	for i, a := range m.Args {
		if r.member[a] {
			return i
		}
	}
	for i, a := range m.Args {
		if r.leafPtr(base, a, m.Block, m) != nil {
			return i
		}
	}
	if _, ok := m.Args[0].IsConst(); ok {
		return 1
	}
	return 0
}

// leafPtr returns a pointer base + a that is there before value at (at
// the end of block b when at is nil): base itself for a of 0, or an
// addition the program makes already. It returns nil when there is none.
func (r *rebaser) leafPtr(base, a *ir.Value, b *ir.Block, at *ir.Value) *ir.Value {
	if c, ok := a.IsConst(); ok && c == 0 {
		return base
	}
	for _, p := range r.ptrs[[2]*ir.Value{base, a}] {
		if at != nil && r.dom.ValueDominates(p, at) || at == nil && r.dom.Dominates(p.Block, b) {
			return p
		}
	}
	return nil
}

// toPointer makes member m compute its pointer from base: an add adds
// its other operand to the pointer of its spine, a phi merges the
// pointers of its arguments. A leaf without a pointer gets one, right
// before m or at the end of the phi's predecessor.
func (r *rebaser) toPointer(base, m *ir.Value, spine int) {
	ptr := func(a *ir.Value, b *ir.Block, at *ir.Value) *ir.Value {
		if r.member[a] {
			return a
		}
		if p := r.leafPtr(base, a, b, at); p != nil {
			return p
		}
		i := len(b.Values)
		if at != nil {
			i = b.Index(at)
		}
		p := b.NewValueAt(i, ir.OpAdd, base.Type, m.Line, base, a)
		k := [2]*ir.Value{base, a}
		r.ptrs[k] = append(r.ptrs[k], p)
		return p
	}
	m.Type = base.Type
	if m.Op == ir.OpPhi {
		for i, a := range m.Args {
			m.SetArg(i, ptr(a, m.Block.Preds[i], nil))
		}
		return
	}
	p, k := ptr(m.Args[spine], m.Block, m), m.Args[1-spine]
	m.SetArgs(p, k)
}

// verifierMax returns the largest value v can have by the bounds the
// kernel verifier derives from v's computation (not from branches on
// it), when its smallest is at least 0; -1 when that is not known or
// exceeds rebaseLimit.
func (r *rebaser) verifierMax(v *ir.Value) int64 {
	if h, ok := r.bound[v]; ok {
		return h
	}
	r.bound[v] = -1 // a phi reached again through its arguments
	h := r.computeMax(v)
	if h > rebaseLimit {
		h = -1
	}
	r.bound[v] = h
	return h
}

func (r *rebaser) computeMax(v *ir.Value) int64 {
	arg := func(i int) int64 { return r.verifierMax(v.Args[i]) }
	switch v.Op {
	case ir.OpConst:
		if v.AuxInt < 0 {
			return -1
		}
		return v.AuxInt
	case ir.OpLoad, ir.OpLoadOrZero:
		// A narrow load zero-extends: the verifier bounds it by its size.
		if v.Type.Kind != ir.KInt || v.Type.Signed || v.Type.Size >= 8 {
			return -1
		}
		return 1<<(8*v.Type.Size) - 1
	case ir.OpCopy:
		return arg(0)
	case ir.OpPhi:
		h := int64(0)
		for i := range v.Args {
			a := arg(i)
			if a < 0 {
				return -1
			}
			h = max(h, a)
		}
		return h
	case ir.OpAdd:
		a, b := arg(0), arg(1)
		if a < 0 || b < 0 {
			return -1
		}
		return a + b
	case ir.OpAnd:
		// The verifier's maximum of a & b is the smaller of theirs.
		a, b := arg(0), arg(1)
		switch {
		case a < 0:
			return b
		case b < 0:
			return a
		}
		return min(a, b)
	case ir.OpLsh, ir.OpRsh:
		a := arg(0)
		s, ok := v.Args[1].IsConst()
		if a < 0 || !ok || s < 0 || s > 24 {
			return -1
		}
		if v.Op == ir.OpRsh {
			return a >> s
		}
		return a << s
	}
	return -1
}
