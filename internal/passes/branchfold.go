package passes

import "github.com/luabpf/luabpf/internal/ir"

// branchfold turns If blocks with a constant control, or with both edges
// to the same block, into Plain blocks, and deletes the blocks that no
// longer can be reached.
func branchfold(f *ir.Func) {
	for _, b := range f.Blocks {
		if b.Kind != ir.BlockIf {
			continue
		}
		switch c, ok := b.Control.IsConst(); {
		case ok:
			drop := 1 // a true condition keeps Succs[0]
			if c == 0 {
				drop = 0
			}
			b.RemoveSucc(drop)
			b.Kind = ir.BlockPlain
			b.SetControl(nil)
		case b.Succs[0] == b.Succs[1] && !b.Succs[0].HasPhis():
			b.RemoveSucc(1)
			b.Kind = ir.BlockPlain
			b.SetControl(nil)
		}
	}
	f.RemoveUnreachable()
}
