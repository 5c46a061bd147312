package regalloc

import (
	"math/bits"

	"github.com/luabpf/luabpf/internal/ir"
)

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (s bitset) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s bitset) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s bitset) remove(i int)   { s[i/64] &^= 1 << (i % 64) }
func (s bitset) clone() bitset  { return append(bitset(nil), s...) }
func (s bitset) forEach(f func(int)) {
	for w, x := range s {
		for x != 0 {
			b := bits.TrailingZeros64(x)
			f(w*64 + b)
			x &^= 1 << b
		}
	}
}

// union adds t to s and reports whether s changed.
func (s bitset) union(t bitset) bool {
	changed := false
	for i := range s {
		n := s[i] | t[i]
		changed = changed || n != s[i]
		s[i] = n
	}
	return changed
}

// web is a set of values that share one register: a single value, or a
// phi with its argument copies, or values merged by coalescing.
type web struct {
	id     int
	vals   []*ir.Value
	fixed  int8   // register it must have, -1 if free
	forbid uint16 // registers it must not have
	// adj holds the ids of the representatives of interfering webs; a
	// bitset, so walking it visits them in increasing order and the
	// allocation is the same on every run (Go's map order is random).
	adj    bitset
	deg    int // number of ids in adj
	color  int8
	parent int // union-find; == id for a representative
}

// graph is the interference graph of one allocation round.
type graph struct {
	webs  []*web
	of    map[*ir.Value]int // value → web id (before find)
	pairs [][2]*ir.Value    // copy-related values, candidates for coalescing
}

func (g *graph) find(i int) int {
	for g.webs[i].parent != i {
		g.webs[i].parent = g.webs[g.webs[i].parent].parent
		i = g.webs[i].parent
	}
	return i
}

// webOf returns the representative web of v, or nil if v needs no register.
func (g *graph) webOf(v *ir.Value) *web {
	i, ok := g.of[v]
	if !ok {
		return nil
	}
	return g.webs[g.find(i)]
}

// newWeb makes a web of v alone. Its adjacency set is made by
// sizeAdj, once all webs exist.
func (g *graph) newWeb(v *ir.Value) *web {
	w := &web{id: len(g.webs), vals: []*ir.Value{v}, fixed: -1, color: -1}
	w.parent = w.id
	g.webs = append(g.webs, w)
	g.of[v] = w.id
	return w
}

// sizeAdj gives every web an empty adjacency set for len(g.webs) webs.
func (g *graph) sizeAdj() {
	for _, w := range g.webs {
		w.adj = newBitset(len(g.webs))
	}
}

// merge joins web b into web a (a stays the representative).
func (g *graph) merge(a, b *web) {
	b.parent = a.id
	a.vals = append(a.vals, b.vals...)
	a.forbid |= b.forbid
	if a.fixed < 0 {
		a.fixed = b.fixed
	}
	b.adj.forEach(func(n int) {
		n = g.find(n)
		if n == a.id {
			return
		}
		nw := g.webs[n]
		if nw.adj.has(b.id) {
			nw.adj.remove(b.id)
			nw.deg--
		}
		g.addEdge(a, nw)
	})
	b.adj, b.deg = nil, 0
}

func (g *graph) addEdge(a, b *web) {
	if a == nil || b == nil || a == b || a.adj.has(b.id) {
		return
	}
	a.adj.add(b.id)
	b.adj.add(a.id)
	a.deg++
	b.deg++
}
