package irgen

import (
	"strings"

	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// recordMem is a tracepoint's record, the context of tracepoint
// programs, typed from the tracepoint's format file: its fields are
// loaded directly from the context at their fixed offsets (a run-time
// index into an array field reads through bpf_probe_read_kernel, as the
// kernel allows no variable offset into the context); it is read-only.
// Pointer fields point to kernel memory, except those of system call
// tracepoints, which point to the calling process's memory.
type recordMem struct{ tp *proto.TracepointFormat }

func (recordMem) describe() string { return "a tracepoint's record" }

func (recordMem) address(g *builder) (place, bool) { return place{p: g.ctx}, false }

func (recordMem) load(g *builder, pl place, rel int64, size int, signed bool) *ir.Value {
	if pl.p == g.ctx {
		return g.access(ir.OpLoad, ir.Int(size, signed), pl, rel)
	}
	return probeMem{p: pl.p}.load(g, pl, rel, size, signed)
}

func (r recordMem) store(g *builder, _ place, _ int64, _ int, _ *ir.Value) {
	g.errorf("%s is read-only to kernel code", r.describe())
}

func (recordMem) flags() memFlags { return memDirect }

// userPointers reports whether the record's pointers point to user
// memory: the arguments of system calls.
func (r recordMem) userPointers() bool { return strings.HasPrefix(r.tp.Name, "syscalls/") }

// member reads field name of the record (obj is the whole record): as
// the C type the format declares (a system call's int argument is an
// int, though its slot is 8 bytes), a __data_loc field as a pointer to
// its data in the record, and never a common_* field, which the kernel
// keeps from programs. It returns false for a field read as a plain
// member of the record's struct.
func (r recordMem) member(g *builder, obj operand, name string) (operand, bool) {
	f, ok := r.tp.Field(name)
	if !ok {
		g.errorf("%s has no field '%s'%s", r.tp.Name, name, suggest(name, r.tp.Names()))
	}
	if f.Common {
		g.errorf("a tracepoint cannot read %s.%s: the kernel keeps the common_ fields of a record from programs", obj.what, f.Name)
	}
	if f.DataLoc {
		// The u32 holds the data's length << 16 | its offset, from the
		// record's start (or, __rel_loc, from the end of the field).
		loc := g.access(ir.OpLoad, ir.U32, place{p: g.ctx}, int64(f.Offset))
		off := g.value(ir.OpAnd, ir.U64, loc, g.konst(0xffff))
		if f.RelLoc {
			off = g.value(ir.OpAdd, ir.U64, off, g.konst(int64(f.Offset+4)))
		}
		p := g.value(ir.OpAdd, ir.U64, g.ctx, off)
		elem := f.Elem
		if elem == nil {
			elem = g.env.Types().MustParse("char")
		}
		return memOp(memRef{mem: probeMem{p: p}, ct: elem, ptr: true}, obj.what+"."+f.Name), true
	}
	if t, err := g.env.Types().Parse(f.Type); err == nil && t.IsInteger() && t.Size < f.Size && !f.Array {
		o := obj
		o.m.off, o.m.ct, o.m.field = int64(f.Offset), t, true
		return o, true
	}
	return operand{}, false
}

// recordOp is the record of tracepoint tp as a memory operand.
func recordOp(tp *proto.TracepointFormat, what string) operand {
	return memOp(memRef{mem: recordMem{tp}, ct: tp.Struct}, what)
}
