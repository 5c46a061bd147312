package passes

import "github.com/luabpf/luabpf/internal/ir"

// lookupcse reuses the result of a map lookup for a later lookup of the
// same key in the same map, when the first dominates the second and no
// path between them makes another map operation or helper call. Lua code
// like `local v = m[k]; if v then xadd(m[k], 1) end` then looks up once,
// as the equivalent C would. Only scalar keys qualify: a key in stack
// memory could change in between.
//
// An update or delete in between would make the pointer stale (an update
// of a hash map replaces the element). Other calls would not, but the
// pointer would have to survive them in one of the four registers calls
// preserve, or in an 8-byte stack slot: merging every repeated key of
// `for i = 1, 100 do xadd(m[i % 64], 1) end` kept 64 pointers alive at
// once and ran out of stack. Stopping at calls keeps what a merge costs
// to a register between two calls.
func lookupcse(f *ir.Func) {
	dom := f.Dominators()
	var lookups []*ir.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpMapLookup && !v.Args[0].Type.IsPtr() {
				lookups = append(lookups, v)
			}
		}
	}
	for _, second := range lookups {
		for _, first := range lookups {
			if first == second || first.Aux != second.Aux || first.Args[0] != second.Args[0] {
				continue
			}
			if !dom.ValueDominates(first, second) {
				continue
			}
			if callsBetween(f, first, second) {
				continue
			}
			f.ReplaceUses(second, first)
			break
		}
	}
}

// callsBetween reports whether some path from a to b (a dominates b)
// makes a map operation or a helper call.
func callsBetween(f *ir.Func, a, b *ir.Value) bool {
	if a.Block == b.Block {
		in := false
		for _, v := range a.Block.Values {
			if v == b {
				return false
			}
			if in && v.Op.CallsHelper() {
				return true
			}
			in = in || v == a
		}
		return false
	}
	from := reach(f, a.Block, func(x *ir.Block) []*ir.Block { return x.Succs })
	to := reach(f, b.Block, func(x *ir.Block) []*ir.Block { return x.Preds })
	for _, x := range f.Blocks {
		if !from[x.ID] || !to[x.ID] {
			continue
		}
		after := x != a.Block
		for _, v := range x.Values {
			if x == b.Block && v == b {
				break
			}
			if after && v.Op.CallsHelper() {
				return true
			}
			if v == a {
				after = true
			}
		}
	}
	return false
}

// reach returns the blocks reachable from b along next, b included.
func reach(f *ir.Func, b *ir.Block, next func(*ir.Block) []*ir.Block) []bool {
	seen := make([]bool, f.NumBlocks())
	stack := []*ir.Block{b}
	seen[b.ID] = true
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, y := range next(x) {
			if !seen[y.ID] {
				seen[y.ID] = true
				stack = append(stack, y)
			}
		}
	}
	return seen
}
