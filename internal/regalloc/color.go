package regalloc

import (
	"github.com/luabpf/luabpf/internal/ir"
	"math/bits"
	"sort"
)

// k is the number of colours: R0-R9.
const k = NumRegs

// coalesce merges copy-related webs that do not interfere, when the
// merged web keeps fewer than k neighbours of significant degree
// (Briggs's conservative test), so coalescing never causes a spill.
func (s *state) coalesce(g *graph) {
	// Pairs with a fixed side first: they remove the copies around calls
	// and packet loads, which matter most.
	sort.SliceStable(g.pairs, func(i, j int) bool {
		return fixedPair(g, g.pairs[i]) && !fixedPair(g, g.pairs[j])
	})
	for _, p := range g.pairs {
		a, b := g.webOf(p[0]), g.webOf(p[1])
		if a == nil || b == nil || a == b || a.adj[b.id] || b.adj[a.id] {
			continue
		}
		if !g.compatible(a, b) || !g.briggs(a, b) {
			continue
		}
		if b.fixed >= 0 && a.fixed < 0 {
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
	for _, w := range []*web{a, b} {
		for _, n := range g.neighbors(w) {
			if g.webs[n].fixed == r {
				return false
			}
		}
	}
	return true
}

// briggs reports whether merging a and b leaves fewer than k neighbours
// of degree >= k.
func (g *graph) briggs(a, b *web) bool {
	seen := map[int]bool{}
	sig := 0
	for _, w := range []*web{a, b} {
		for _, n := range g.neighbors(w) {
			if seen[n] || n == a.id || n == b.id {
				continue
			}
			seen[n] = true
			if len(g.neighbors(g.webs[n])) >= k {
				sig++
			}
		}
	}
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
	// Simplify: repeatedly take a free web with fewer than k
	// uncoloured-or-fixed neighbours; if none, take the one with most
	// neighbours (it may still find a colour: optimistic colouring).
	removed := map[int]bool{}
	var stack []*web
	for {
		var pick *web
		best := -1
		for _, w := range reps {
			if w.fixed >= 0 || removed[w.id] {
				continue
			}
			deg := 0
			for _, n := range g.neighbors(w) {
				if !removed[n] {
					deg++
				}
			}
			deg += bits.OnesCount16(w.forbid)
			if deg < k {
				pick = w
				break
			}
			if deg > best {
				best, pick = deg, w
			}
		}
		if pick == nil {
			break
		}
		removed[pick.id] = true
		stack = append(stack, pick)
	}
	var failed []*web
	for i := len(stack) - 1; i >= 0; i-- {
		w := stack[i]
		used := w.forbid
		for _, n := range g.neighbors(w) {
			if c := g.webs[n].color; c >= 0 {
				used |= 1 << c
			}
		}
		c := s.choose(g, w, used)
		if c < 0 {
			failed = append(failed, w)
			continue
		}
		w.color = c
	}
	return failed
}

// choose picks a colour for w not in used: a copy partner's colour if
// possible (so the copy disappears), else the lowest free register.
func (s *state) choose(g *graph, w *web, used uint16) int8 {
	for _, p := range g.pairs {
		var other *web
		switch {
		case g.webOf(p[0]) == w:
			other = g.webOf(p[1])
		case g.webOf(p[1]) == w:
			other = g.webOf(p[0])
		}
		if other != nil && other.color >= 0 && used&(1<<other.color) == 0 {
			return other.color
		}
	}
	for r := int8(0); r < k; r++ {
		if used&(1<<r) == 0 {
			return r
		}
	}
	return -1
}
