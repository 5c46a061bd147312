package irgen

import (
	"reflect"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// memory is a kind of memory kernel code reaches through C types: the
// stack, map values, kernel and user memory behind pointers, a
// tracepoint's record. Each kind, in its own file, knows where an object
// in it starts, how to load and store through it and how messages name
// it; the code that walks members, elements and bitfields (memory.go) is
// the same for all of them.
type memory interface {
	// describe names the memory in messages: "a stack object".
	describe() string
	// address returns the place of the object's byte 0 and whether that
	// may be null (a map lookup's result).
	address(g *builder) (pl place, nullable bool)
	// load reads size bytes (1 to 8) at byte rel of pl, a place of this
	// memory known to be safe to access, as an integer of that size.
	load(g *builder, pl place, rel int64, size int, signed bool) *ir.Value
	// store writes the low size bytes of x at byte rel of pl.
	store(g *builder, pl place, rel int64, size int, x *ir.Value)
	// flags says what else the memory allows.
	flags() memFlags
}

// memFlags are what a memory allows besides loads.
type memFlags uint8

const (
	// memDirect memory is loaded and stored by the program itself; other
	// memory is copied in through a helper.
	memDirect memFlags = 1 << iota
	// memWritable memory may be stored to.
	memWritable
	// memLive memory can change under the program (a map value, shared
	// with userspace and other programs): its members stay references,
	// read when used, rather than being read when named.
	memLive
	// memHelperArg memory may be passed to helpers by pointer (keys,
	// records, buffers).
	memHelperArg
)

// memRef is a reference into memory: the object mem holds, at byte off,
// of C type ct.
type memRef struct {
	mem memory
	off int64
	ct  *ctype.Type
	// bf is a bitfield member (BitSize > 0); off is then that of the
	// struct of bfIn bytes holding it.
	bf   ctype.Field
	bfIn int
	// field marks a member or element reference.
	field bool
	// index, when set, is a run-time element index into the array at
	// off, scaled by scale and checked against bound (none when bound
	// is negative).
	index *ir.Value
	bound int
	scale int
	// ptr marks a pointer to the object rather than the object: a value,
	// the object's address, which indexing dereferences (p[0], p.field).
	ptr bool
	// cstr marks the C string at the pointer (ffi.string(p)): copying it
	// stops after its NUL.
	cstr bool
}

// has reports whether the memory allows f.
func (m memRef) has(f memFlags) bool { return m.mem.flags()&f == f }

// isNumeric reports whether the reference is to a number (an integer or
// a pointer value).
func (m memRef) isNumeric() bool {
	return m.ptr || m.ct != nil && (m.ct.IsInteger() || m.ct.Kind == ctype.Pointer)
}

// same reports whether two references refer to the same thing.
func (m memRef) same(n memRef) bool {
	if m.mem != n.mem || m.off != n.off || m.bf != n.bf || m.bfIn != n.bfIn || m.field != n.field ||
		m.index != n.index || m.bound != n.bound || m.scale != n.scale || m.ptr != n.ptr || m.cstr != n.cstr {
		return false
	}
	return m.ct == n.ct || m.ct != nil && n.ct != nil && m.ct.Equal(n.ct)
}

// sameKind reports whether two memories are of the same kind.
func sameKind(a, b memory) bool { return reflect.TypeOf(a) == reflect.TypeOf(b) }

// ptrValue is the address pointer reference o holds.
func (g *builder) ptrValue(o operand) *ir.Value {
	pl, _ := o.m.mem.address(g)
	return g.retype(g.ptr(pl, o.m.off), ir.U64)
}

// pointerTo makes a pointer reference to an object of type ct at
// address p, in kernel or user memory.
func pointerTo(p *ir.Value, ct *ctype.Type, user bool, what string) operand {
	return memOp(memRef{mem: probeMem{p: p, user: user}, ct: ct, ptr: true}, what)
}

// pointersToUser reports whether pointers read from mem point to user
// memory: those in user memory, in a system call's record, and, for the
// stack and map values, those of a program kind whose context holds user
// pointers (uprobes).
func (g *builder) pointersToUser(mem memory) bool {
	switch m := mem.(type) {
	case probeMem:
		return m.user
	case recordMem:
		return m.userPointers()
	}
	return g.kind.UserPointers
}

// canProbe reports whether the program kind may read kernel and user
// memory, which following pointers needs.
func (g *builder) canProbe() bool {
	h := proto.HelperOf(asm.FnProbeReadKernel)
	return h != nil && h.Kinds.Has(g.kind)
}
