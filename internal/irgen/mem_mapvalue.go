package irgen

import "github.com/luabpf/luabpf/internal/ir"

// mapValueMem is a map value, through the pointer a lookup returned (p,
// which may be null): read and written directly, and shared with
// userspace, so its members stay references.
type mapValueMem struct{ p *ir.Value }

func (mapValueMem) describe() string { return "a map value" }

func (m mapValueMem) address(*builder) (place, bool) {
	return place{p: m.p}, m.p.Type.MaybeNull
}

func (mapValueMem) load(g *builder, pl place, rel int64, size int, signed bool) *ir.Value {
	return g.access(ir.OpLoad, ir.Int(size, signed), pl, rel)
}

func (mapValueMem) store(g *builder, pl place, rel int64, size int, x *ir.Value) {
	g.access(ir.OpStore, ir.Int(size, false), pl, rel, x)
}

func (mapValueMem) flags() memFlags { return memDirect | memWritable | memLive | memHelperArg }

func (m mapValueMem) pointer() *ir.Value { return m.p }

func (mapValueMem) withPointer(p *ir.Value) memory { return mapValueMem{p} }
