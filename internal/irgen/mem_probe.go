package irgen

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
)

// probeMem is kernel or user memory behind a pointer (p) a tracing
// program got from its context: the program may not load it itself, so
// every read copies the bytes to the stack with bpf_probe_read_kernel
// or bpf_probe_read_user (user memory: a uprobe's arguments, a system
// call's pointers). A read that faults gives zeros. It is read-only.
type probeMem struct {
	p    *ir.Value
	user bool
}

func (m probeMem) describe() string {
	if m.user {
		return "user memory"
	}
	return "kernel memory"
}

func (m probeMem) address(*builder) (place, bool) { return place{p: m.p}, false }

// load copies size bytes at byte rel of pl into a zeroed stack word and
// reads them from there.
func (m probeMem) load(g *builder, pl place, rel int64, size int, signed bool) *ir.Value {
	return g.probeLoad(m.read(false), m.describe(), g.ptr(pl, rel), size, signed)
}

func (m probeMem) store(g *builder, _ place, _ int64, _ int, _ *ir.Value) {
	g.errorf("%s is read-only to kernel code", m.describe())
}

func (probeMem) flags() memFlags { return 0 }

func (m probeMem) pointer() *ir.Value { return m.p }

func (m probeMem) withPointer(p *ir.Value) memory { return probeMem{p: p, user: m.user} }

// read is the helper that copies from this memory: a string copy (up to
// and with a NUL) or plain bytes.
func (m probeMem) read(str bool) asm.BuiltinFunc {
	switch {
	case m.user && str:
		return asm.FnProbeReadUserStr
	case m.user:
		return asm.FnProbeReadUser
	case str:
		return asm.FnProbeReadKernelStr
	}
	return asm.FnProbeReadKernel
}

// copyFrom copies n bytes from src (a place of this memory) to the
// helper-argument pointer dst, with strcpy's meaning when str is set; it
// returns the helper's result.
func (m probeMem) copyFrom(g *builder, dst *ir.Value, n int, src place, str bool) *ir.Value {
	return g.callHelper(m.read(str), "reading "+m.describe(), dst, g.konst(int64(n)), g.ptr(src, 0))
}

// probeLoad reads size bytes (1 to 8) at address p with helper fn: into
// a zeroed stack word, loaded from there, sign-extended when signed.
func (g *builder) probeLoad(fn asm.BuiltinFunc, what string, p *ir.Value, size int, signed bool) *ir.Value {
	tmp := g.f.NewSlot("probe", 8, 8, g.line)
	g.zero(tmp)
	g.callHelper(fn, "reading "+what, g.slotAddr(tmp, 0), g.konst(int64(size)), p)
	n := roundSize(size)
	v := g.loadStackN(tmp, n, signed && n == size)
	if signed && n != size {
		sh := g.konst(int64(64 - 8*size))
		return g.value(ir.OpArsh, ir.Int(n, true), g.value(ir.OpLsh, ir.I64, v, sh), sh)
	}
	return v
}

// loadStackN loads n bytes at the start of slot s.
func (g *builder) loadStackN(s *ir.Slot, n int, signed bool) *ir.Value {
	return g.access(ir.OpLoad, ir.Int(n, signed), place{slot: s}, 0)
}
