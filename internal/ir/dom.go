package ir

// Postorder returns the blocks reachable from the entry in postorder.
func (f *Func) Postorder() []*Block {
	seen := make([]bool, f.nextBlock)
	var order []*Block
	type frame struct {
		b *Block
		i int
	}
	stack := []frame{{f.Entry(), 0}}
	seen[f.Entry().ID] = true
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i]
			top.i++
			if !seen[s.ID] {
				seen[s.ID] = true
				stack = append(stack, frame{s, 0})
			}
			continue
		}
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	return order
}

// DomTree is the dominator tree of a Func.
type DomTree struct {
	idom  []*Block // by block ID; the entry's is nil
	order []int    // reverse-postorder index by block ID
	kids  [][]*Block
	pre   []int // preorder number in the tree, by block ID
	post  []int // last preorder number in the subtree, by block ID
}

// Dominators computes the dominator tree with the iterative algorithm of
// Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm").
func (f *Func) Dominators() *DomTree {
	po := f.Postorder()
	n := f.nextBlock
	d := &DomTree{idom: make([]*Block, n), order: make([]int, n), kids: make([][]*Block, n)}
	for i := range d.order {
		d.order[i] = -1
	}
	for i, b := range po {
		d.order[b.ID] = len(po) - 1 - i
	}
	entry := f.Entry()
	d.idom[entry.ID] = entry
	intersect := func(a, b *Block) *Block {
		for a != b {
			for d.order[a.ID] > d.order[b.ID] {
				a = d.idom[a.ID]
			}
			for d.order[b.ID] > d.order[a.ID] {
				b = d.idom[b.ID]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(po) - 1; i >= 0; i-- {
			b := po[i]
			if b == entry {
				continue
			}
			var idom *Block
			for _, p := range b.Preds {
				if d.idom[p.ID] == nil {
					continue
				}
				if idom == nil {
					idom = p
				} else {
					idom = intersect(p, idom)
				}
			}
			if idom != nil && d.idom[b.ID] != idom {
				d.idom[b.ID] = idom
				changed = true
			}
		}
	}
	d.idom[entry.ID] = nil
	for i := len(po) - 1; i >= 0; i-- {
		b := po[i]
		if p := d.idom[b.ID]; p != nil {
			d.kids[p.ID] = append(d.kids[p.ID], b)
		}
	}
	d.pre = make([]int, n)
	d.post = make([]int, n)
	num := 0
	var walk func(b *Block)
	walk = func(b *Block) {
		d.pre[b.ID] = num
		num++
		for _, k := range d.kids[b.ID] {
			walk(k)
		}
		d.post[b.ID] = num - 1
	}
	walk(entry)
	return d
}

// Idom returns b's immediate dominator (nil for the entry).
func (d *DomTree) Idom(b *Block) *Block { return d.idom[b.ID] }

// Children returns the blocks b immediately dominates.
func (d *DomTree) Children(b *Block) []*Block { return d.kids[b.ID] }

// Dominates reports whether a dominates b (every block dominates itself).
func (d *DomTree) Dominates(a, b *Block) bool {
	return d.pre[a.ID] <= d.pre[b.ID] && d.pre[b.ID] <= d.post[a.ID]
}

// ValueDominates reports whether the definition of a comes before v on
// every path: a's block strictly dominates v's, or they share a block and
// a comes first.
func (d *DomTree) ValueDominates(a, v *Value) bool {
	if a.Block != v.Block {
		return d.Dominates(a.Block, v.Block)
	}
	for _, x := range a.Block.Values {
		if x == a {
			return true
		}
		if x == v {
			return false
		}
	}
	return false
}
