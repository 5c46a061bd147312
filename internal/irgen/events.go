package irgen

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// mapArgOf returns argument a as a map of one of the uses given, for
// builtins that take a map: perf_submit(map, ...), stack_id(map, ...).
func (g *builder) mapArgOf(a operand, name string, uses ...proto.MapUse) *Map {
	m, ok := a.c.(*Map)
	if a.kind != opConst || !ok {
		g.errorf("the first argument of %s must be a map made by bpf.map; this is %s", name, a.kindName())
	}
	for _, u := range uses {
		if m.Type.Kernel == u {
			return m
		}
	}
	g.errorf("%s cannot use a %s map", name, m.Type.Name)
	return nil
}

// mapPtr loads map m as helpers take it.
func (g *builder) mapPtr(m *Map) *ir.Value {
	v := g.value(ir.OpMapPtr, ir.Ptr(ir.SpaceMapFD))
	v.Aux = g.ref(m)
	return v
}

// perfSubmit implements perf_submit(map, record): the bytes of a stack
// object go to userspace through a perf event array (on the current
// CPU's ring) or a ring buffer. It returns the helper's result, 0 on
// success.
func (g *builder) perfSubmit(args []operand, name string) operand {
	m := g.mapArgOf(args[0], name, proto.PerfOutput, proto.RingOutput)
	rec := args[1]
	if !rec.in(stackMem{}) {
		g.errorf("%s sends a stack object made with ffi.new; this is %s", name, rec.kindName())
	}
	if rec.m.index != nil {
		g.errorf("%s needs a whole object, not an element chosen at run time", name)
	}
	pl, _ := rec.m.mem.address(g)
	data, size := g.ptr(pl, rec.m.off), g.konst(int64(rec.m.ct.Size))
	if m.Type.Kernel == proto.RingOutput {
		return intOp(g.callHelper(asm.FnRingbufOutput, name, g.mapPtr(m), data, size, g.konst(0)))
	}
	flags := g.konst(proto.BPF["F_CURRENT_CPU"])
	return intOp(g.callHelper(asm.FnPerfEventOutput, name, g.ctx, g.mapPtr(m), flags, data, size))
}

// stackID implements stack_id(map, flags): the id of the current stack
// in a stack_trace map (negative on failure), with BPF.F_USER_STACK,
// BPF.F_FAST_STACK_CMP and the other flags.
func (g *builder) stackID(args []operand, name string) operand {
	m := g.mapArgOf(args[0], name, proto.StackIDs)
	flags := g.toInt(args[1], "the flags of "+name)
	return intOp(g.callHelper(asm.FnGetStackid, name, g.ctx, g.mapPtr(m), flags))
}
