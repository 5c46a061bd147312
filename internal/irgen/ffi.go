package irgen

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
)

// ffiNew allocates a zeroed stack object, optionally initialised:
// ffi.new('uint32_t', 5), ffi.new('char [?]', 16), ffi.new(key_t).
func (g *builder) ffiNew(args []operand, _ string) operand {
	ct := g.ctypeOf(args[0], "ffi.new")
	inits := args[1:]
	if ct.IsVLA() {
		if len(inits) == 0 {
			g.errorf("ffi.new('%s') needs the element count, as in ffi.new('%s', 16)", ct, ct)
		}
		n, ok := inits[0].constInt()
		if !ok || inits[0].kind != opConst || n < 0 {
			g.errorf("the element count of a variable-length array must be a number known at compile time")
		}
		ct = ct.WithLen(int(n))
		inits = inits[1:]
	}
	if ct.Kind == ctype.Void || ct.Kind == ctype.Func || ct.Size <= 0 {
		g.errorf("ffi.new cannot allocate %s", ct)
	}
	if ct.Size > 512 {
		g.errorf("%s is %d bytes; the kernel gives a program 512 bytes of stack", ct, ct.Size)
	}
	// Slots are 8-aligned so that zeroing and copying can use the widest
	// aligned stores: the verifier rejects misaligned stack access.
	slot := g.f.NewSlot(ct.String(), ct.Size, 8, g.line)
	g.zero(slot)
	obj := stackOp(slot, ct, "ffi.new(...)")
	g.initialize(obj, inits)
	return obj
}

// initialize stores initial values as LuaJIT's ffi.new takes them: a
// scalar's value, an array's elements, a struct's members in order, or
// one string for a char array.
func (g *builder) initialize(obj operand, inits []operand) {
	if len(inits) == 0 {
		return
	}
	ct := obj.m.ct
	switch {
	case ct.IsInteger() || ct.Kind == ctype.Pointer:
		if len(inits) > 1 {
			g.errorf("too many initial values for %s", ct)
		}
		g.storeScalar(obj, g.toInt(inits[0], "the initial value"))
	case ct.Kind == ctype.Array:
		if s, ok := inits[0].c.(String); ok && inits[0].kind == opConst && len(inits) == 1 {
			g.storeBytes(obj, []byte(s), ct.Size, "the array")
			return
		}
		if len(inits) > ct.Len {
			g.errorf("too many initial values for %s", ct)
		}
		for i, in := range inits {
			g.assignMem(g.element(obj, constOp(Int(i)), "element"), in, "element")
		}
	case ct.Kind == ctype.Struct:
		if len(inits) > len(ct.Fields) {
			g.errorf("too many initial values for %s", ct)
		}
		for i, in := range inits {
			f := ct.Fields[i]
			m := obj
			if f.BitSize > 0 {
				m = withBitfield(obj, ct, f)
			} else {
				m.m.off += int64(f.Offset)
				m.m.ct = f.Type
			}
			g.assignMem(m, in, f.Name)
		}
	default:
		g.errorf("cannot initialise %s", ct)
	}
}

// ffiCast converts a number to an integer type as C does: truncating or
// extending it, bool as 0 or 1. The result has the type: uint64_t makes
// later operations unsigned, and ntoh swaps the type's width.
func (g *builder) ffiCast(args []operand, _ string) operand {
	ct := g.ctypeOf(args[0], "ffi.cast")
	x := args[1]
	if ct.Kind == ctype.Pointer && g.canProbe() {
		// A pointer into kernel or user memory (which the kind's
		// context points to), from a number or another pointer.
		p := g.toInt(x, "the address cast")
		return pointerTo(p, ct.Elem, g.castUser(x), "ffi.cast(...)")
	}
	if !ct.IsInteger() {
		g.errorf("ffi.cast to %s is not supported in %s programs; cast numbers to integer types", ct, g.kind.Name)
	}
	t := scalarType(ct)
	if c, ok := x.constInt(); ok && x.kind == opConst {
		if isU64(t) {
			// Unsigned at 64 bits is not an int64_t constant: the
			// operations on it are unsigned, folded by the passes.
			return operand{kind: opInt, v: g.b.NewConst(t, c, g.line), width: 8}
		}
		o := constOp(Int(castConst(ct, c)))
		o.width = ct.Size
		return o
	}
	v := g.toInt(x, "the value cast")
	bits := int64(ct.Size * 8)
	switch {
	case isBool(ct):
		v = g.boolOf(v)
	case ct.Size >= 8:
		v = g.retype(v, t)
	case ct.Signed:
		sh := 64 - bits
		v = g.value(ir.OpArsh, t, g.value(ir.OpLsh, ir.I64, v, g.konst(sh)), g.konst(sh))
	default:
		v = g.value(ir.OpAnd, t, v, g.konst(int64(1)<<bits-1))
	}
	return operand{kind: opInt, v: v, width: ct.Size}
}

// castConst converts c to the integer type ct.
func castConst(ct *ctype.Type, c int64) int64 {
	if isBool(ct) {
		return b2i(c != 0)
	}
	return truncate(c, ct.Size, ct.Signed)
}

func (g *builder) ffiSizeof(args []operand, _ string) operand {
	return constOp(Int(g.ctypeOf(args[0], "ffi.sizeof").Size))
}

// ffiCopy copies into a stack object: from a string, from another object,
// or from the packet (with the skb_load_bytes helper).
func (g *builder) ffiCopy(args []operand, _ string) operand {
	dst, src := args[0], args[1]
	if dst.kind != opMem || !dst.m.has(memWritable) {
		g.errorf("ffi.copy copies into stack or map memory; the destination is %s", dst.kindName())
	}
	n := dst.m.ct.Size
	if len(args) == 3 {
		n = g.constLength(args[2], 0, n, "ffi.copy", "")
	}
	switch {
	case src.kind == opConst:
		s, ok := src.c.(String)
		if !ok {
			break
		}
		b := []byte(s)
		if len(args) < 3 {
			b = append(b, 0)
			if len(b) > n {
				g.errorf("the string (%d bytes with its NUL) does not fit in the destination (%d bytes)", len(b), n)
			}
			n = len(b)
		}
		g.storeBytes(dst, b[:min(n, len(b))], n, "the destination")
		return constOp(Nil{})
	case src.kind == opMem && src.m.has(memDirect) && !src.m.ptr:
		g.copyMem(dst, src, min(n, src.m.ct.Size))
		return constOp(Nil{})
	case src.kind == opMem:
		// Kernel or user memory: copied by the memory's helper, the
		// destination's size as the original does, or up to and with
		// its NUL for the C string ffi.string(p) names.
		c, ok := src.m.mem.(copier)
		if !ok {
			break
		}
		str := src.m.cstr
		if n == 0 {
			return constOp(Nil{})
		}
		return intOp(g.at(dst, func(d place) *ir.Value {
			return g.at(src, func(s place) *ir.Value {
				return c.copyFrom(g, g.ptr(d, 0), n, s, str)
			}, func() *ir.Value { return g.konst(errFault) })
		}, func() *ir.Value { return g.konst(errFault) }))
	case src.kind == opPkt:
		if !dst.in(stackMem{}) {
			g.errorf("packet bytes can only be copied to stack memory")
		}
		if n == 0 {
			return constOp(Nil{}) // copying nothing: the helper would refuse a zero length
		}
		g.skbLoadBytes(g.pktOffset(src), dst, n)
		return constOp(Nil{})
	}
	g.errorf("ffi.copy cannot copy from %s here", src.kindName())
	return operand{}
}

// errFault is what a helper writing into an array element out of range
// returns instead (the helper does not run): -EFAULT, as for a bad
// address.
const errFault = -14

// intoBuffer calls helper fn (for what) with a pointer to stack memory
// dst among its arguments (built by args), where dst is in range;
// elsewhere the result is errFault.
func (g *builder) intoBuffer(dst operand, fn asm.BuiltinFunc, what string, args func(p *ir.Value) []*ir.Value) *ir.Value {
	return g.at(dst, func(pl place) *ir.Value {
		return g.callHelper(fn, what, args(g.ptr(pl, 0))...)
	}, func() *ir.Value { return g.konst(errFault) })
}

// skbLoadBytes calls bpf_skb_load_bytes(ctx, off, dst, n).
func (g *builder) skbLoadBytes(off *ir.Value, dst operand, n int) *ir.Value {
	return g.intoBuffer(dst, asm.FnSkbLoadBytes, "reading packet bytes", func(p *ir.Value) []*ir.Value {
		return []*ir.Value{g.ctx, off, p, g.konst(int64(n))}
	})
}

func (g *builder) ffiFill(args []operand, _ string) operand {
	dst := args[0]
	n, ok := args[1].constInt()
	if !dst.in(stackMem{}) || !ok || args[1].kind != opConst || n < 0 || int(n) > dst.m.ct.Size {
		g.errorf("ffi.fill needs a stack object and a constant length that fits it")
	}
	c := int64(0)
	if len(args) == 3 {
		c, ok = args[2].constInt()
		if !ok {
			g.errorf("ffi.fill's byte must be a constant")
		}
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(c)
	}
	g.storeBytes(dst, b, int(n), "the destination")
	return constOp(Nil{})
}

// constLength is the byte count builtin fn takes as a constant from lo
// to max; another gives an error (what max is follows it) and max.
func (g *builder) constLength(o operand, lo, max int, fn, what string) int {
	c, ok := o.constInt()
	if !ok || o.kind != opConst || c < int64(lo) || c > int64(max) {
		g.errorf("%s's length must be a constant from %d to %d%s", fn, lo, max, what)
		return max
	}
	return int(c)
}

// loadBytes implements load_bytes(off, buf): bpf_skb_load_bytes into a
// stack buffer, returning the helper's result (0 on success).
func (g *builder) loadBytes(args []operand, _ string) operand {
	buf := args[1]
	if !buf.in(stackMem{}) {
		g.errorf("load_bytes copies into a stack buffer made with ffi.new; this is %s", buf.kindName())
	}
	n := buf.m.ct.Size
	if len(args) == 3 {
		// The original's third argument; it copied the buffer's size.
		n = g.constLength(args[2], 1, n, "load_bytes", ", the buffer's size")
	}
	return intOp(g.skbLoadBytes(g.toInt(args[0], "the packet offset"), buf, n))
}

// probeRead implements the original's probe_read(dst, src [, type]):
// copy the size of dst (or of type) from the memory src points to or
// whose address it is, as ffi.copy(dst, ffi.cast(ptr, src)) does.
func (g *builder) probeRead(args []operand, name string) operand {
	dst, src := args[0], args[1]
	if dst.kind != opMem || !dst.m.has(memWritable) {
		g.errorf("probe_read copies into stack or map memory; the destination is %s", dst.kindName())
	}
	n := dst.m.ct.Size
	if len(args) == 3 {
		t := g.ctypeOf(args[2], "probe_read's type")
		if t.Size < 1 || t.Size > n {
			g.errorf("probe_read's type (%s, %d bytes) must fit in the destination (%d bytes)", t, t.Size, n)
		}
		n = t.Size
	}
	if src.kind != opMem || !src.m.ptr {
		src = pointerTo(g.toInt(src, "probe_read's source address"), dst.m.ct, g.kind.UserPointers, name)
	}
	return g.ffiCopy([]operand{dst, src, constOp(Int(n))}, name)
}

// comm implements comm(buf): bpf_get_current_comm into a char buffer.
func (g *builder) comm(args []operand, _ string) operand {
	buf := args[0]
	if !buf.in(stackMem{}) {
		g.errorf("comm writes into a stack buffer made with ffi.new('char [16]'); this is %s", buf.kindName())
	}
	return intOp(g.intoBuffer(buf, asm.FnGetCurrentComm, "comm", func(p *ir.Value) []*ir.Value {
		return []*ir.Value{p, g.konst(int64(buf.m.ct.Size))}
	}))
}

// print implements print(fmt, ...) with bpf_trace_printk: the format is
// copied to the stack, up to three numbers follow.
func (g *builder) print(args []operand, _ string) operand {
	s, ok := args[0].c.(String)
	if args[0].kind != opConst || !ok {
		g.errorf("print's first argument must be a format string known at compile time")
	}
	b := append([]byte(s), 0)
	ct := &ctype.Type{Kind: ctype.Array, Size: len(b), Align: 1, Len: len(b)}
	slot := g.f.NewSlot("fmt", len(b), 8, g.line)
	buf := stackOp(slot, ct, "the format")
	g.storeBytes(buf, b, len(b), "the format")
	call := []*ir.Value{g.slotAddr(slot, 0), g.konst(int64(len(b)))}
	for _, a := range args[1:] {
		if a.in(stackMem{}) && a.m.ct.Kind == ctype.Array {
			if a.m.index != nil {
				g.errorf("print cannot take an array element chosen at run time; copy it into a buffer with ffi.copy first")
			}
			pl, _ := a.m.mem.address(g)
			call = append(call, g.ptr(pl, a.m.off))
			continue
		}
		call = append(call, g.toInt(a, "a print argument"))
	}
	return intOp(g.callHelper(asm.FnTracePrintk, "print", call...))
}

// zero fills a new stack slot with zeros: helpers and map keys read
// whole objects, and the verifier rejects reads of uninitialised stack.
// Stores that later ones overwrite are removed by the dse pass.
func (g *builder) zero(s *ir.Slot) {
	for off := 0; off < s.Size; {
		n := 8
		for n > s.Size-off || off%n != 0 {
			n /= 2
		}
		v := g.value(ir.OpStore, ir.Int(n, false), g.slotAddr(s, 0), g.konst(0))
		v.AuxInt = int64(off)
		off += n
	}
}
func truncate(c int64, size int, signed bool) int64 {
	if size >= 8 {
		return c
	}
	sh := uint(64 - 8*size)
	if signed {
		return c << sh >> sh
	}
	return int64(uint64(c) << sh >> sh)
}

// copier is memory the program copies from with a helper (kernel and
// user memory): copyFrom copies n bytes from src to the pointer dst,
// with strcpy's meaning when str is set, and returns the helper's result.
type copier interface {
	copyFrom(g *builder, dst *ir.Value, n int, src place, str bool) *ir.Value
}

// ffiString implements ffi.string(p) in kernel code: the C string at
// pointer p, which ffi.copy(buf, ffi.string(p)) copies up to and with its
// NUL (bpf_probe_read_*_str) rather than a buffer's worth of bytes.
// Kernel code has no Lua strings: the result can only be copied or
// compared with a string.
func (g *builder) ffiString(args []operand, name string) operand {
	p := args[0]
	if p.kind != opMem || !p.m.ptr {
		if p.kind == opMem && p.m.ct.Kind == ctype.Array {
			return p // a char buffer already on hand
		}
		g.errorf("%s in kernel code takes a pointer to a C string, as in %s(ffi.cast('char *', ptregs.parm1)); this is %s", name, name, p.kindName())
	}
	p.m.cstr = true
	return p
}

// castUser says whether ffi.cast of x makes a user-memory pointer: a
// pointer keeps its memory, a number from the context points where the
// kind's context pointers do.
func (g *builder) castUser(x operand) bool {
	if x.kind == opMem && x.m.ptr {
		return g.pointersToUser(x.m.mem)
	}
	return g.kind.UserPointers
}

// pointeeBuffer copies n bytes that pointer reference p points to (the C
// string there, when p is ffi.string(p)) into a new zeroed char buffer
// on the stack, and returns the buffer.
func (g *builder) pointeeBuffer(p operand, n int) operand {
	c, ok := p.m.mem.(copier)
	if !ok {
		g.errorf("cannot read the bytes %s points to", p.what)
	}
	ct := &ctype.Type{Kind: ctype.Array, Size: n, Align: 1, Len: n, Elem: g.env.Types().MustParse("char")}
	slot := g.f.NewSlot("string", n, 8, g.line)
	g.zero(slot)
	g.at(p, func(src place) *ir.Value {
		return c.copyFrom(g, g.slotAddr(slot, 0), n, src, p.m.cstr)
	}, nil)
	return stackOp(slot, ct, p.what)
}
