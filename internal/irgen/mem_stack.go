package irgen

import (
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// stackMem is a stack object (ffi.new, keys and buffers the compiler
// makes): R10-relative, read and written directly.
type stackMem struct{ slot *ir.Slot }

func (stackMem) describe() string { return "a stack object" }

func (s stackMem) address(*builder) (place, bool) { return place{slot: s.slot}, false }

func (stackMem) load(g *builder, pl place, rel int64, size int, signed bool) *ir.Value {
	return g.access(ir.OpLoad, ir.Int(size, signed), pl, rel)
}

func (stackMem) store(g *builder, pl place, rel int64, size int, x *ir.Value) {
	g.access(ir.OpStore, ir.Int(size, false), pl, rel, x)
}

func (stackMem) flags() memFlags { return memDirect | memWritable | memHelperArg }

// stackOp is a whole stack object of type ct in slot.
func stackOp(slot *ir.Slot, ct *ctype.Type, what string) operand {
	return memOp(memRef{mem: stackMem{slot}, ct: ct}, what)
}
