package irgen

import (
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// pktStore writes n bytes at byte rel of p.
func (g *builder) pktStore(w proto.PacketWrite, p pktRef, rel int64, n int, x *ir.Value) {
	g.pktChecked(p, rel, n, func(base *ir.Value, off int64) *ir.Value {
		g.access(ir.OpStore, ir.Int(n, false), place{p: base}, off, x)
		return nil
	})
}
