package irgen

import (
	"math/bits"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/yuin/gopher-lua/ast"
)

// call lowers a function call.
func (g *builder) call(e *ast.FuncCallExpr) operand {
	if e.Receiver != nil {
		g.errorf("method calls (%s:%s) are not supported in kernel functions", exprName(e.Receiver), e.Method)
	}
	fn := g.expr(e.Func)
	name := exprName(e.Func)
	line := g.line
	args := make([]operand, len(e.Args))
	settle := numericArgs(fn)
	for i, a := range e.Args {
		args[i] = g.expr(a)
		if settle {
			args[i] = g.settleBefore(args[i], e.Args[i+1:]...)
		}
	}
	g.line = line
	if anyPoison(fn) || anyPoison(args...) {
		return poisonOp()
	}
	if fn.kind == opPkt {
		if len(args) != 2 {
			g.errorf("a slice takes two bounds, as in %s(0, 4)", name)
		}
		return g.pktSlice(fn, args[0], args[1])
	}
	if fv, ok := fn.c.(*value.Func); ok && fn.kind == opConst {
		// A parameter is the argument's value at the call, whatever
		// the body stores later.
		for i, a := range args {
			if a.kind == opMem && !a.m.ptr && a.isNumeric() {
				args[i] = g.numOp(a, "the argument")
			}
		}
		return g.inline(fv, args, name)
	}
	b, ok := fn.c.(Builtin)
	if fn.kind != opConst || !ok {
		if fn.kind == opConst && fn.kindName() == "a Lua function" {
			g.errorf("'%s' is a Lua function that is not defined in the script's source, which kernel code cannot call (it inlines only the script's own functions)", name)
		}
		g.errorf("'%s' is %s, not a function kernel code can call", name, fn.kindName())
	}
	h, ok := builtinByName[string(b)]
	if !ok {
		g.errorf("%s cannot be called from kernel functions", b)
	}
	if h.lower == nil {
		g.errorf("%s is not supported yet in kernel functions (see the README's status table)", b)
	}
	for _, fn := range h.helpers {
		g.needHelper(fn, string(b))
	}
	if len(args) < h.min || (h.max >= 0 && len(args) > h.max) {
		g.errorf("%s takes %s", b, h.arity)
	}
	return h.lower(g, args, string(b))
}

// helperCall returns a builtin that calls helper fn without arguments;
// its result has the helper's C type (ntoh swaps its width).
func helperCall(fn asm.BuiltinFunc) func(*builder, []operand, string) operand {
	return func(g *builder, _ []operand, name string) operand {
		v := g.callHelper(fn, name)
		return operand{kind: opInt, v: v, width: int(v.Type.Size)}
	}
}

// tonumber gives its argument as a number, keeping its C type.
func (g *builder) tonumber(args []operand, _ string) operand {
	o := args[0]
	switch {
	case o.kind == opInt:
		return o
	case o.kind == opConst && o.isNumeric():
		return o
	}
	return g.numOp(o, "tonumber's argument")
}

func (g *builder) ffiTypeof(a []operand, _ string) operand {
	return constOp(CType{T: g.ctypeOf(a[0], "ffi.typeof")})
}

// aluFold returns a builtin applying op left to right over its
// arguments. As in C, the result is uint64_t when an operand is (for
// shifts: the value shifted), else int64_t.
func aluFold(op ir.Op) func(*builder, []operand, string) operand {
	return func(g *builder, args []operand, name string) operand {
		if c, ok := foldConsts(op, args); ok {
			return constOp(Int(c))
		}
		acc := g.toInt(args[0], "the first argument of "+name)
		for _, a := range args[1:] {
			x := g.toInt(a, "an argument of "+name)
			t := resultType(acc, x)
			if op == ir.OpLsh || op == ir.OpRsh || op == ir.OpArsh {
				t = resultType(acc)
			}
			acc = g.arithValue(op, t, acc, x)
		}
		return intOp(acc)
	}
}

// foldConsts evaluates op over constant arguments with 64-bit integers.
func foldConsts(op ir.Op, args []operand) (int64, bool) {
	var acc int64
	for i, a := range args {
		c, ok := a.constInt()
		if !ok || a.kind != opConst {
			return 0, false
		}
		if i == 0 {
			acc = c
			continue
		}
		switch op {
		case ir.OpAnd:
			acc &= c
		case ir.OpOr:
			acc |= c
		case ir.OpXor:
			acc ^= c
		case ir.OpLsh:
			acc = int64(uint64(acc) << (uint64(c) & 63))
		case ir.OpRsh:
			acc = int64(uint64(acc) >> (uint64(c) & 63))
		case ir.OpArsh:
			acc >>= uint64(c) & 63
		}
	}
	return acc, true
}

func (g *builder) bnot(args []operand, name string) operand {
	if c, ok := args[0].constInt(); ok && args[0].kind == opConst {
		return constOp(Int(^c))
	}
	x := g.toInt(args[0], "the argument of "+name)
	return intOp(g.value(ir.OpNot, resultType(x), x))
}

// xadd atomically adds to a map value: xadd(map[k], n) or
// xadd(map[k].field, n). A missing key is left alone.
func (g *builder) xadd(args []operand, _ string) operand {
	dst := args[0]
	if !dst.in(mapValueMem{}) {
		g.errorf("xadd needs a map value to add to, as in xadd(map[key], 1); this is %s", dst.kindName())
	}
	ct := dst.m.ct
	if e := oneElement(ct); e != nil {
		ct = e // the element of a one-element array value
		dst.m.ct = e
	}
	if dst.m.bf.BitSize > 0 || !ct.IsInteger() || (ct.Size != 4 && ct.Size != 8) {
		g.errorf("xadd adds to 32- or 64-bit integers; this is %s", ct.String())
	}
	if memAlign(dst, 0) < ct.Size {
		g.errorf("xadd cannot add to a misaligned member (of a packed struct): atomic adds need a %d-byte aligned address; unpack the struct or align the member", ct.Size)
	}
	x := g.toInt(args[1], "the amount xadd adds")
	g.at(dst, func(pl place) *ir.Value {
		g.access(ir.OpAtomicAdd, ir.Int(ct.Size, false), pl, 0, x)
		return nil
	}, nil)
	return constOp(Nil{})
}

// byteSwap implements ntoh/hton (network order is big-endian, the host
// little-endian) and bit.bswap. Without a width, ntoh swaps the size of
// the type its argument was read or cast as, and a literal, an upvalue
// or a result of arithmetic as 32 bits (README); bit.bswap always swaps
// 32 bits, as LuaJIT's does.
func (g *builder) byteSwap(args []operand, name string) operand {
	x := args[0]
	bits := 32
	if len(args) == 2 {
		b, ok := args[1].constInt()
		if !ok || (b != 8 && b != 16 && b != 32 && b != 64) {
			g.errorf("%s's width must be 8, 16, 32 or 64", name)
		}
		bits = int(b)
	} else if name != "bit.bswap" {
		if w := typeWidth(x); w > 0 {
			bits = w * 8
		}
		if bits != 8 && bits != 16 && bits != 32 && bits != 64 {
			g.errorf("%s of a %d-byte value needs its width, as in %s(x, 32)", name, bits/8, name)
		}
	}
	if bits == 8 {
		return x
	}
	if c, ok := x.constInt(); ok && x.kind == opConst {
		o := constOp(Int(swapConst(c, bits)))
		o.width = x.width
		return o
	}
	v := g.value(swapOp(bits/8), ir.Int(bits/8, false), g.toInt(x, "the argument of "+name))
	res := operand{kind: opInt, v: v, width: bits / 8}
	// A swapped slice or field compares with strings the other way round.
	switch x.str {
	case strBE:
		res.str = strRaw
	case strRaw:
		res.str = strBE
	}
	return res
}

// typeWidth is the size in bytes of the C type numeric operand o was read
// or cast as; 0 for literals, upvalues and results of arithmetic.
func typeWidth(o operand) int {
	if o.kind == opMem {
		if o.m.bf.BitSize > 0 {
			return o.m.bf.Type.Size
		}
		if o.isNumeric() {
			return o.m.ct.Size
		}
	}
	return o.width
}

func swapConst(c int64, bits int) int64 {
	var out uint64
	u := uint64(c)
	for i := 0; i < bits/8; i++ {
		out = out<<8 | (u>>(8*i))&0xff
	}
	return int64(out)
}

// log2 computes floor(log2(x)) for x > 0 as an unsigned number (0 for
// x == 0) by halving steps: for each k in 32, 16, 8, 4, 2, 1, if
// x >> k is not 0 then x >>= k and r += k. The steps are branch-free
// (conditional jumps would multiply the paths the verifier walks): with
// t = x >> k, which is below 2^63 since k >= 1, (t - 1) >> 63 is 1
// exactly when t is 0, so s = ((t - 1) >> 63 << log2(k)) ^ k is k when
// t is not 0 and 0 when it is.
func (g *builder) log2(args []operand, name string) operand {
	if c, ok := args[0].constInt(); ok && args[0].kind == opConst {
		r := int64(0)
		for u := uint64(c); u > 1; u >>= 1 {
			r++
		}
		return constOp(Int(r))
	}
	x := g.toInt(args[0], "the argument of "+name)
	// Shifting right keeps an unsigned narrow type's bound, which lets
	// constfold drop the steps above its width.
	xt := ir.I64
	if x.Type.Kind == ir.KInt && x.Type.NonNegative() {
		xt = x.Type
	}
	var r *ir.Value
	for _, k := range []int64{32, 16, 8, 4, 2, 1} {
		t := g.value(ir.OpRsh, xt, x, g.konst(k))
		z := g.value(ir.OpRsh, ir.I64, g.value(ir.OpSub, ir.I64, t, g.konst(1)), g.konst(63))
		s := g.value(ir.OpXor, ir.I64, g.value(ir.OpLsh, ir.I64, z, g.konst(int64(bits.TrailingZeros64(uint64(k))))), g.konst(k))
		x = g.value(ir.OpRsh, xt, x, s)
		if r == nil {
			r = s
		} else {
			r = g.value(ir.OpOr, ir.I64, r, s)
		}
	}
	return intOp(r)
}

// logScaled computes a logarithm from log2: (log2(x) + 1) * m >> 12.
func logScaled(m int64) func(*builder, []operand, string) operand {
	return func(g *builder, args []operand, name string) operand {
		l := g.log2(args, name)
		if c, ok := l.constInt(); ok && l.kind == opConst {
			return constOp(Int((c + 1) * m >> 12))
		}
		v := g.value(ir.OpAdd, ir.I64, l.v, g.konst(1))
		v = g.value(ir.OpMul, ir.I64, v, g.konst(m))
		return intOp(g.value(ir.OpRsh, ir.I64, v, g.konst(12)))
	}
}

// ctypeOf resolves a type argument: a ctype, a type string, or a cdata
// (stack object) whose type is taken.
func (g *builder) ctypeOf(o operand, what string) *ctype.Type {
	switch o.kind {
	case opConst:
		switch c := o.c.(type) {
		case CType:
			return c.T
		case String:
			t, err := g.env.Types().Parse(string(c))
			if err != nil {
				g.errorf("%s: bad C type %q: %v", what, string(c), err)
			}
			return t
		}
	case opMem:
		return o.m.ct
	}
	g.errorf("%s needs a C type (a string like 'uint32_t' or ffi.typeof(...)); this is %s", what, o.kindName())
	return nil
}
