package irgen

import (
	"github.com/cilium/ebpf/asm"
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
	for i, a := range e.Args {
		args[i] = g.expr(a)
	}
	g.line = line
	if fn.kind == opPkt {
		if len(args) != 2 {
			g.errorf("a slice takes two bounds, as in %s(0, 4)", name)
		}
		return g.pktSlice(fn, args[0], args[1])
	}
	b, ok := fn.c.(Builtin)
	if fn.kind != opConst || !ok {
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

// helperCall returns a builtin that calls helper fn without arguments.
func helperCall(fn asm.BuiltinFunc) func(*builder, []operand, string) operand {
	return func(g *builder, _ []operand, name string) operand {
		return intOp(g.callHelper(fn, name))
	}
}

func (g *builder) tonumber(a []operand, _ string) operand {
	return intOp(g.toInt(a[0], "tonumber's argument"))
}

func (g *builder) ffiTypeof(a []operand, _ string) operand {
	return constOp(CType{T: g.ctypeOf(a[0], "ffi.typeof")})
}

// aluFold returns a builtin applying op left to right over its arguments.
func aluFold(op ir.Op) func(*builder, []operand, string) operand {
	return func(g *builder, args []operand, name string) operand {
		if c, ok := foldConsts(op, args); ok {
			return constOp(Int(c))
		}
		acc := g.toInt(args[0], "the first argument of "+name)
		for _, a := range args[1:] {
			acc = g.value(op, ir.I64, acc, g.toInt(a, "an argument of "+name))
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
	return intOp(g.value(ir.OpNot, ir.I64, g.toInt(args[0], "the argument of "+name)))
}

// xadd atomically adds to a map value: xadd(map[k], n) or
// xadd(map[k].field, n). A missing key is left alone.
func (g *builder) xadd(args []operand, _ string) operand {
	dst := args[0]
	if dst.kind != opMapVal {
		g.errorf("xadd needs a map value to add to, as in xadd(map[key], 1); this is %s", dst.kindName())
	}
	if dst.bf.BitSize > 0 || !dst.ct.IsInteger() || (dst.ct.Size != 4 && dst.ct.Size != 8) || dst.index != nil {
		g.errorf("xadd adds to 32- or 64-bit integers; this is %s", dst.ct.String())
	}
	x := g.toInt(args[1], "the amount xadd adds")
	g.ifNonNull(dst.v, func(p *ir.Value) {
		v := g.value(ir.OpAtomicAdd, ir.Int(dst.ct.Size, false), p, x)
		v.AuxInt = dst.off
	})
	return constOp(Nil{})
}

// byteSwap implements ntoh/hton (network order is big-endian, the host
// little-endian) and bit.bswap.
func (g *builder) byteSwap(args []operand, name string) operand {
	x := args[0]
	bits := 0
	if len(args) == 2 {
		b, ok := args[1].constInt()
		if !ok || (b != 8 && b != 16 && b != 32 && b != 64) {
			g.errorf("%s's width must be 8, 16, 32 or 64", name)
		}
		bits = int(b)
	}
	if bits == 0 {
		switch {
		case name == "bit.bswap":
			bits = 32
		case x.kind == opConst:
			bits = 32
			if c, _ := x.constInt(); c < 0 || c > 0xffffffff {
				bits = 64
			}
		case x.width > 0:
			bits = x.width * 8
		default:
			v := g.toInt(x, "the argument of "+name)
			bits = int(v.Type.Size) * 8
			x = intOp(v)
		}
	}
	if bits == 8 {
		return x
	}
	if c, ok := x.constInt(); ok && x.kind == opConst {
		return constOp(Int(swapConst(c, bits)))
	}
	v := g.value(swapOp(bits/8), ir.Int(bits/8, false), g.toInt(x, "the argument of "+name))
	res := intOp(v)
	// A swapped slice or field compares with strings the other way round.
	res.width = x.width
	switch x.str {
	case strBE:
		res.str = strRaw
	case strRaw:
		res.str = strBE
	}
	return res
}

func swapConst(c int64, bits int) int64 {
	var out uint64
	u := uint64(c)
	for i := 0; i < bits/8; i++ {
		out = out<<8 | (u>>(8*i))&0xff
	}
	return int64(out)
}

// log2 computes floor(log2(x)) for x > 0 (0 for x == 0) with the
// branch-free bit-halving steps: for each k in 32, 16, 8, 4, 2, 1, if
// x >= 2^k then x >>= k and r += k.
func (g *builder) log2(args []operand, name string) operand {
	if c, ok := args[0].constInt(); ok && args[0].kind == opConst {
		r := int64(0)
		for u := uint64(c); u > 1; u >>= 1 {
			r++
		}
		return constOp(Int(r))
	}
	x := g.toInt(args[0], "the argument of "+name)
	r := g.konst(0)
	for _, k := range []int64{32, 16, 8, 4, 2, 1} {
		big := g.value(ir.OpGt, ir.Bool, x, g.konst(int64(1)<<k-1))
		// b = (x > 2^k - 1) as 0/1; s = b * k
		s := g.value(ir.OpLsh, ir.I64, big, g.konst(int64(log2Exact(k))))
		x = g.value(ir.OpRsh, ir.I64, x, s)
		r = g.value(ir.OpOr, ir.I64, r, s)
	}
	return intOp(r)
}

func log2Exact(k int64) int {
	n := 0
	for k > 1 {
		k >>= 1
		n++
	}
	return n
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
	case opStack, opMapVal:
		return o.ct
	}
	g.errorf("%s needs a C type (a string like 'uint32_t' or ffi.typeof(...)); this is %s", what, o.kindName())
	return nil
}
