package regalloc

import (
	"math/bits"
	"sort"

	"github.com/luabpf/luabpf/internal/ir"
)

// k is the number of colours: R0-R9.
const k = NumRegs

// coalesce merges copy-related webs that do not interfere, when the
// merged web keeps fewer than k neighbours of significant degree
// (Briggs's conservative test), so coalescing never causes a spill.
func (s *state) coalesce(g *graph) {
	// Pairs with a fixed side first: they remove the copies around calls
	// and skb loads, which matter most.
	sort.SliceStable(g.pairs, func(i, j int) bool {
		return fixedPair(g, g.pairs[i]) && !fixedPair(g, g.pairs[j])
	})
	for _, p := range g.pairs {
		a, b := g.webOf(p[0]), g.webOf(p[1])
		if a == nil || b == nil || a == b || a.adj.has(b.id) {
			continue
		}
		if !g.compatible(a, b) || !g.briggs(a, b) {
			continue
		}
		// Keep the fixed side as representative, else the bigger one
		// (merging the smaller into it keeps coalescing near-linear).
		if b.fixed >= 0 && a.fixed < 0 || a.fixed < 0 && b.fixed < 0 && b.deg+len(b.vals) > a.deg+len(a.vals) {
			a, b = b, a
		}
		g.merge(a, b)
	}
}

func fixedPair(g *graph, p [2]*ir.Value) bool {
	a, b := g.webOf(p[0]), g.webOf(p[1])
	return a != nil && a.fixed >= 0 || b != nil && b.fixed >= 0
}

// compatible reports whether a and b could share one register.
func (g *graph) compatible(a, b *web) bool {
	if a.fixed >= 0 && b.fixed >= 0 && a.fixed != b.fixed {
		return false
	}
	r := a.fixed
	if r < 0 {
		r = b.fixed
	}
	if r < 0 {
		return bits.OnesCount16(a.forbid|b.forbid) < k
	}
	if (a.forbid|b.forbid)&(1<<r) != 0 {
		return false
	}
	// No neighbour of either may be fixed to r.
	ok := true
	for _, w := range []*web{a, b} {
		w.adj.forEach(func(n int) {
			if g.webs[n].fixed == r {
				ok = false
			}
		})
	}
	return ok
}

// briggs reports whether merging a and b leaves fewer than k neighbours
// of degree >= k.
func (g *graph) briggs(a, b *web) bool {
	if a.deg+b.deg < k {
		return true
	}
	sig := 0
	count := func(n int) {
		if n != a.id && n != b.id && g.webs[n].deg >= k {
			sig++
		}
	}
	a.adj.forEach(count)
	b.adj.forEach(func(n int) {
		if !a.adj.has(n) {
			count(n)
		}
	})
	return sig < k
}

// color assigns registers. It returns the webs it could not colour.
func (s *state) color(g *graph) []*web {
	var reps []*web
	for _, w := range g.webs {
		if g.find(w.id) == w.id {
			reps = append(reps, w)
			if w.fixed >= 0 {
				w.color = w.fixed
			}
		}
	}
	// Simplify: take webs with fewer than k uncoloured neighbours and
	// forbidden registers first; when none is left, take the one with the
	// most (optimistic colouring: it may still find a register).
	deg := map[int]int{}
	var low []*web
	high := map[int]*web{}
	for _, w := range reps {
		if w.fixed >= 0 {
			continue
		}
		d := bits.OnesCount16(w.forbid)
		w.adj.forEach(func(n int) {
			if g.webs[n].fixed < 0 {
				d++
			}
		})
		deg[w.id] = d
		if d < k {
			low = append(low, w)
		} else {
			high[w.id] = w
		}
	}
	removed := map[int]bool{}
	var stack []*web
	push := func(w *web) {
		removed[w.id] = true
		stack = append(stack, w)
		w.adj.forEach(func(n int) {
			if _, ok := deg[n]; !ok || removed[n] {
				return
			}
			deg[n]--
			if deg[n] == k-1 {
				if h := high[n]; h != nil {
					delete(high, n)
					low = append(low, h)
				}
			}
		})
	}
	for len(low) > 0 || len(high) > 0 {
		if len(low) > 0 {
			w := low[len(low)-1]
			low = low[:len(low)-1]
			if !removed[w.id] {
				push(w)
			}
			continue
		}
		var pick *web
		for _, w := range high {
			if pick == nil || deg[w.id] > deg[pick.id] || (deg[w.id] == deg[pick.id] && w.id < pick.id) {
				pick = w
			}
		}
		delete(high, pick.id)
		push(pick)
	}
	partners := s.partners(g)
	var failed []*web
	for i := len(stack) - 1; i >= 0; i-- {
		w := stack[i]
		used := w.forbid
		w.adj.forEach(func(n int) {
			if c := g.webs[n].color; c >= 0 {
				used |= 1 << c
			}
		})
		c := choose(g, partners[w.id], used)
		if c < 0 {
			failed = append(failed, w)
			continue
		}
		w.color = c
	}
	return failed
}

// partners lists, for each web, the webs it is copy-related to.
func (s *state) partners(g *graph) map[int][]int {
	out := map[int][]int{}
	for _, p := range g.pairs {
		a, b := g.webOf(p[0]), g.webOf(p[1])
		if a == nil || b == nil || a == b {
			continue
		}
		out[a.id] = append(out[a.id], b.id)
		out[b.id] = append(out[b.id], a.id)
	}
	return out
}

// choose picks a colour not in used: a copy partner's colour if possible
// (so the copy disappears), else the lowest free register.
func choose(g *graph, partners []int, used uint16) int8 {
	for _, p := range partners {
		if c := g.webs[p].color; c >= 0 && used&(1<<c) == 0 {
			return c
		}
	}
	for r := int8(0); r < k; r++ {
		if used&(1<<r) == 0 {
			return r
		}
	}
	return -1
}
