package ir

import "fmt"

// Verify checks f's invariants (see the package doc). A failure is a
// compiler bug, never a user error.
func Verify(f *Func) error {
	if len(f.Blocks) == 0 {
		return fmt.Errorf("%s: no blocks", f.Name)
	}
	inFunc := map[*Block]bool{}
	for _, b := range f.Blocks {
		if inFunc[b] {
			return fmt.Errorf("%v listed twice", b)
		}
		inFunc[b] = true
	}
	uses := map[*Value]int{}
	defined := map[*Value]bool{}
	for _, b := range f.Blocks {
		if err := verifyEdges(b, inFunc); err != nil {
			return err
		}
		phis := true
		for _, v := range b.Values {
			if defined[v] {
				return fmt.Errorf("%v appears twice", v)
			}
			defined[v] = true
			if v.Block != b {
				return fmt.Errorf("%v is in %v but says %v", v, b, v.Block)
			}
			if v.Op == OpPhi {
				if !phis {
					return fmt.Errorf("%v: phi after a non-phi in %v", v, b)
				}
				if len(v.Args) != len(b.Preds) {
					return fmt.Errorf("%v: %d phi args for %d preds", v, len(v.Args), len(b.Preds))
				}
			} else {
				phis = false
				if n := v.Op.NumArgs(); n >= 0 && n != len(v.Args) {
					return fmt.Errorf("%v: %v takes %d args, has %d", v, v.Op, n, len(v.Args))
				}
				if n := len(opTable[v.Op].argRegs); v.Op.NumArgs() < 0 && n > 0 && len(v.Args) > n {
					return fmt.Errorf("%v: %v takes at most %d args, has %d", v, v.Op, n, len(v.Args))
				}
			}
			if v.Op.AuxInt() == AuxNone && v.AuxInt != 0 {
				return fmt.Errorf("%v: %v has no AuxInt, but it is %d", v, v.Op, v.AuxInt)
			}
			for _, a := range v.Args {
				uses[a]++
			}
		}
		if b.Control != nil {
			uses[b.Control]++
		}
	}
	dom := f.Dominators()
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if uses[v] != v.Uses {
				return fmt.Errorf("%v: use count %d, counted %d", v, v.Uses, uses[v])
			}
			for i, a := range v.Args {
				if !defined[a] {
					return fmt.Errorf("%v uses %v, which is not in the function", v, a)
				}
				if v.Op == OpPhi {
					if p := b.Preds[i]; !dom.Dominates(a.Block, p) {
						return fmt.Errorf("%v: arg %v does not dominate predecessor %v", v, a, p)
					}
				} else if !dom.ValueDominates(a, v) {
					return fmt.Errorf("%v uses %v before it is defined", v, a)
				}
			}
		}
		if c := b.Control; c != nil {
			if !defined[c] {
				return fmt.Errorf("%v is controlled by %v, which is not in the function", b, c)
			}
			if !dom.Dominates(c.Block, b) {
				return fmt.Errorf("%v is controlled by %v, which does not dominate it", b, c)
			}
		}
	}
	return nil
}

func verifyEdges(b *Block, inFunc map[*Block]bool) error {
	want := map[BlockKind]int{BlockPlain: 1, BlockIf: 2, BlockRet: 0}[b.Kind]
	if len(b.Succs) != want {
		return fmt.Errorf("%v: %v block with %d successors", b, b.Kind, len(b.Succs))
	}
	switch b.Kind {
	case BlockIf:
		if b.Control == nil || b.Control.Type.Kind != KBool {
			return fmt.Errorf("%v: If needs a bool control", b)
		}
	case BlockRet:
		if b.Control == nil {
			return fmt.Errorf("%v: Ret needs a control", b)
		}
	case BlockPlain:
		if b.Control != nil {
			return fmt.Errorf("%v: Plain block with a control", b)
		}
	}
	for _, s := range b.Succs {
		if !inFunc[s] {
			return fmt.Errorf("%v: successor %v is not in the function", b, s)
		}
		if s.PredIndex(b) < 0 {
			return fmt.Errorf("%v -> %v: missing pred edge", b, s)
		}
	}
	for _, p := range b.Preds {
		if !inFunc[p] {
			return fmt.Errorf("%v: predecessor %v is not in the function", b, p)
		}
		found := false
		for _, s := range p.Succs {
			found = found || s == b
		}
		if !found {
			return fmt.Errorf("%v <- %v: missing succ edge", b, p)
		}
	}
	return nil
}
