package irgen

import (
	"fmt"
	"runtime/debug"

	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
	"github.com/yuin/gopher-lua/ast"
)

// Options configure lowering.
type Options struct {
	// Kind is the kind of program the function is compiled as: it
	// decides what the context parameter is, how the packet is read and
	// which helpers may be called.
	Kind *proto.Kind
	// Tracepoint is the format of the tracepoint a tracepoint program
	// is for: its record is the program's context.
	Tracepoint *proto.TracepointFormat
	Env        Env
	// Debug keeps internal compiler panics as panics instead of turning
	// them into errors, for tests.
	Debug bool
}

// loop is an enclosing loop for break.
type loop struct{ exit *ir.Block }

type builder struct {
	fn    *frontend.Func
	src   *source.File
	env   Env
	opts  *Options
	kind  *proto.Kind
	f     *ir.Func
	maps  []*Map              // maps used, in order of first use
	refs  map[*Map]*ir.MapRef // each map's reference in the IR
	b     *ir.Block           // current block; nil when the code is unreachable
	ctx   *ir.Value
	defs  map[*ir.Block]map[*frontend.Local]operand
	loops []loop
	line  int
	// bits records, for values known to be non-negative, how many low
	// bits they may use (see narrowType).
	bits map[*ir.Value]int
	// errs are the user errors found so far, errLines their lines (see
	// recover.go).
	errs     source.ErrorList
	errLines map[int]bool
	// pkt is how the program kind reads the packet (nil: it cannot).
	// With direct access, the packet's start and end pointers are what
	// pktData and pktEnd hold: like locals, they take new values where a
	// helper moves the packet and merge where paths join.
	pkt             packetAccess
	pktData, pktEnd *frontend.Local
	// root is the kernel function's node; inlines are the calls of Lua
	// functions being inlined, innermost last (see inline.go).
	root    *ast.FunctionExpr
	inlines []*inlineFrame
	// deadFrom maps a block lowered only for its types (see deadExpr) to
	// the block whose locals it reads.
	deadFrom map[*ir.Block]*ir.Block
}

// Build lowers fn into an IR function. It also returns the maps the
// function refers to, by the names its MapRefs carry.
func Build(fn *frontend.Func, opts *Options) (f *ir.Func, maps []*Map, err error) {
	if opts.Kind == nil {
		return nil, nil, fmt.Errorf("irgen: no program kind given")
	}
	g := &builder{
		fn:       fn,
		src:      fn.File.Src,
		env:      opts.Env,
		opts:     opts,
		kind:     opts.Kind,
		f:        ir.NewFunc(fn.Name, fn.File.Src.Name),
		defs:     map[*ir.Block]map[*frontend.Local]operand{},
		deadFrom: map[*ir.Block]*ir.Block{},
		refs:     map[*Map]*ir.MapRef{},
		bits:     map[*ir.Value]int{},
		pkt:      packetAccessOf(opts.Kind),
		root:     fn.Node,
	}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		f, maps = nil, nil
		if b, ok := r.(bailout); ok && b.err != nil {
			g.report(b.err)
		}
		if g.errs.Len() > 0 {
			// Whatever went wrong after a user error is its consequence:
			// report the user's errors.
			err = g.errs.Err()
			return
		}
		if opts.Debug {
			panic(r)
		}
		e := source.Errorf(g.src, g.line, "internal compiler error: %v (please report this with the script)", r)
		e.Extra = "compiler stack:\n" + string(debug.Stack())
		err = e
	}()
	g.b = g.f.Entry()
	g.line = fn.Node.Line()
	g.params()
	g.block(fn.Node.Stmts)
	if g.b != nil {
		g.ret(g.b.NewConst(ir.I64, g.kind.NoReturn, g.line))
	}
	if g.errs.Len() > 0 {
		return nil, nil, g.errs.Err()
	}
	g.f.RemoveUnreachable()
	return g.f, g.maps, nil
}

func (g *builder) params() {
	ps := g.fn.Params
	g.ctx = g.b.NewValue(ir.OpArg, ir.Ptr(ir.SpaceCtx), g.line)
	if d, ok := g.pkt.(directPacket); ok {
		d.begin(g)
	}
	if len(ps) > 1 {
		g.report(source.Errorf(g.src, ps[1].Line, "a kernel function takes one parameter, the program context; '%s' has no value", ps[1].Name))
		for _, p := range ps[1:] {
			g.write(p, poisonOp())
		}
	}
	if len(ps) == 0 {
		return
	}
	switch {
	case g.kind.Ctx != nil:
		g.write(ps[0], operand{kind: opCtx, cx: ctxRef{ctx: g.kind.Ctx}, what: ps[0].Name})
	case g.opts.Tracepoint != nil:
		g.write(ps[0], recordOp(g.opts.Tracepoint, ps[0].Name))
	default:
		g.report(source.Errorf(g.src, ps[0].Line, "%s's context is not known here, so '%s' has no value", g.kind.Noun, ps[0].Name))
		g.write(ps[0], poisonOp())
	}
}

// newBlock returns a new block; its kind is set when it ends.
func (g *builder) newBlock() *ir.Block {
	b := g.f.NewBlock(ir.BlockPlain)
	g.defs[b] = nil
	return b
}

// jump ends the current block with a jump to t.
func (g *builder) jump(t *ir.Block) {
	if g.b == nil {
		return
	}
	g.b.Kind = ir.BlockPlain
	g.b.Line = g.line
	g.b.AddEdge(t)
	g.b = nil
}

// branch ends the current block with "if c goto t else f".
func (g *builder) branch(c *ir.Value, t, f *ir.Block) {
	if g.b == nil {
		return
	}
	if t == f {
		g.jump(t)
		return
	}
	g.b.Kind = ir.BlockIf
	g.b.Line = g.line
	g.b.SetControl(c)
	g.b.AddEdge(t)
	g.b.AddEdge(f)
	g.b = nil
}

// ret ends the current block returning v.
func (g *builder) ret(v *ir.Value) {
	g.b.Kind = ir.BlockRet
	g.b.Line = g.line
	g.b.SetControl(v)
	g.b = nil
}

// enter makes b current if anything reaches it.
func (g *builder) enter(b *ir.Block) {
	if len(b.Preds) == 0 {
		g.b = nil
		return
	}
	g.b = b
}

// maxValues bounds the size of a lowered function: unrolled loops can
// multiply it, and the kernel takes at most a million instructions.
const maxValues = 200000

// value appends a value to the current block.
func (g *builder) value(op ir.Op, t ir.Type, args ...*ir.Value) *ir.Value {
	if g.f.NumValues() > maxValues {
		g.fatalf("this function is too large to compile (more than %d operations after unrolling loops); unroll fewer iterations", maxValues)
	}
	return g.b.NewValue(op, t, g.line, args...)
}

func (g *builder) konst(c int64) *ir.Value { return g.b.NewConst(ir.I64, c, g.line) }

// write records an assignment of local l in the current block.
func (g *builder) write(l *frontend.Local, o operand) { g.define(g.b, l, o) }

// read returns the operand local l holds at the end of block b, merging
// with phis where paths join.
func (g *builder) read(l *frontend.Local, b *ir.Block) operand {
	if o, ok := g.defs[b][l]; ok {
		return o
	}
	var o operand
	switch len(b.Preds) {
	case 0:
		o = constOp(Nil{})
		if from, ok := g.deadFrom[b]; ok {
			o = g.read(l, from)
		}
	case 1:
		o = g.read(l, b.Preds[0])
	default:
		ops := make([]operand, len(b.Preds))
		for i, p := range b.Preds {
			ops[i] = g.read(l, p)
		}
		o = g.merge(l, b, ops)
	}
	g.define(b, l, o)
	return o
}

// define records that local l holds o at the end of block b.
func (g *builder) define(b *ir.Block, l *frontend.Local, o operand) {
	m := g.defs[b]
	if m == nil {
		m = map[*frontend.Local]operand{}
		g.defs[b] = m
	}
	m[l] = o
}

// merge joins the operands local l holds at the ends of b's predecessors.
func (g *builder) merge(l *frontend.Local, b *ir.Block, ops []operand) operand {
	for _, o := range ops {
		if o.kind == opPoison {
			return o
		}
	}
	if l == g.pktData || l == g.pktEnd {
		return g.mergePktPointers(b, ops)
	}
	// A mismatch below fails the statement reading l; later reads see
	// poison instead of failing again.
	g.define(b, l, poisonOp())
	first := ops[0]
	all := true
	for _, o := range ops[1:] {
		all = all && same(first, o)
	}
	if all {
		return first
	}
	numeric := true
	for _, o := range ops {
		_, isConst := o.constInt()
		numeric = numeric && (o.kind == opInt || isConst)
	}
	switch {
	case numeric:
		args := make([]*ir.Value, len(ops))
		for i, o := range ops {
			args[i] = g.intIn(o, b.Preds[i])
		}
		o := intOp(g.numPhi(b, args))
		o.width = commonWidth(ops)
		return o
	case first.kind == opPkt:
		args := make([]*ir.Value, len(ops))
		res := pktRef{hdr: first.pkt.hdr, outer: first.pkt.outer, sums: first.pkt.sums}
		// The constant offset every path has stays out of the phi, so
		// the path without more of one merges its offset as it is and
		// reads after the merge keep it in their instructions.
		res.off = first.pkt.off
		for _, o := range ops {
			if o.kind == opPkt {
				res.off = min(res.off, o.pkt.off)
			}
		}
		res.off = max(res.off, 0)
		for i, o := range ops {
			if o.kind != opPkt || o.pkt.hdr != first.pkt.hdr {
				g.errorf("'%s' is %s on one path and %s on another; give it one meaning before the paths join", l.Name, describePkt(first), describeAny(o))
			}
			in := o
			in.pkt.off -= res.off
			args[i] = g.pktOffsetIn(in, b.Preds[i])
			if in.pkt.off < 0 {
				res.max = unknownMax
			}
			res.max = max(res.max, addMax(o.pkt.max, max(in.pkt.off, 0)))
			// Positions reached along different chains keep only their
			// own bounds (see the README's Language section).
			if o.pkt.outer != res.outer {
				res.outer = nil
			}
			if o.pkt.sums != res.sums {
				res.sums, res.mixed = nil, true
			}
			res.mixed = res.mixed || o.pkt.mixed
			if res.carrier == nil {
				res.carrier = o.pkt.carrier
			}
		}
		res.v = g.phi(b, ir.I64, args)
		return pktOp(res, first.what)
	case first.kind == opMem:
		if pm, ok := first.m.mem.(pointerMem); ok {
			return g.mergePointers(l, b, ops, pm)
		}
	}
	for _, o := range ops {
		if o.kind != first.kind {
			g.errorf("'%s' is %s on one path and %s on another; give it one meaning before the paths join", l.Name, first.kindName(), o.kindName())
		}
	}
	g.errorf("'%s' is %s with different values on different paths; kernel code needs it fixed at compile time", l.Name, kindWord(first))
	return operand{}
}

// commonWidth is the type width (see typeWidth) all of ops share, or 0.
func commonWidth(ops []operand) int {
	w := typeWidth(ops[0])
	for _, o := range ops[1:] {
		if typeWidth(o) != w {
			return 0
		}
	}
	return w
}

func kindWord(o operand) string {
	if o.kind == opConst {
		return o.c.Describe()
	}
	return o.kindName()
}

func describePkt(o operand) string { return "a pointer into the packet at " + o.pkt.hdr.Name }

func describeAny(o operand) string {
	if o.kind == opPkt {
		return describePkt(o)
	}
	return o.kindName()
}

// numPhi adds a phi of numbers to b, typed by phiType.
func (g *builder) numPhi(b *ir.Block, args []*ir.Value) *ir.Value {
	v := g.phi(b, ir.I64, args)
	v.Type = g.phiType(v, args)
	return v
}

// phi adds a phi to b.
func (g *builder) phi(b *ir.Block, t ir.Type, args []*ir.Value) *ir.Value {
	return b.NewValueAt(0, ir.OpPhi, t, g.line, args...)
}

// inBlock runs fn with b as the current block (appending to its end).
func (g *builder) inBlock(b *ir.Block, fn func() *ir.Value) *ir.Value {
	saved := g.b
	g.b = b
	v := fn()
	g.b = saved
	return v
}

// intIn materialises numeric operand o at the end of block b.
func (g *builder) intIn(o operand, b *ir.Block) *ir.Value {
	if o.kind == opInt {
		return o.v
	}
	c, _ := o.constInt()
	return g.inBlock(b, func() *ir.Value { return g.konst(c) })
}

// pktOffsetIn materialises packet position o as one value at the end of b.
func (g *builder) pktOffsetIn(o operand, b *ir.Block) *ir.Value {
	return g.inBlock(b, func() *ir.Value { return g.pktOffset(o) })
}

// String describes the builder's position, for debugging.
func (g *builder) String() string { return fmt.Sprintf("%s:%d", g.src.Name, g.line) }

// pointerMem is memory reached through a pointer value (a map value,
// kernel or user memory): references into it that differ only in the
// pointer merge into one with a phi of the pointers.
type pointerMem interface {
	memory
	pointer() *ir.Value
	withPointer(p *ir.Value) memory
}

// mergePointers joins the references into pointer memory local l holds
// at the ends of b's predecessors.
func (g *builder) mergePointers(l *frontend.Local, b *ir.Block, ops []operand, first pointerMem) operand {
	args := make([]*ir.Value, len(ops))
	t := first.pointer().Type
	for i, o := range ops {
		pm, ok := o.m.mem.(pointerMem)
		rest, base := o.m, ops[0].m
		rest.mem, base.mem = nil, nil
		if o.kind != opMem || !ok || !sameKind(pm, first) || !rest.same(base) {
			g.errorf("'%s' is %s on one path and %s on another", l.Name, ops[0].kindName(), o.kindName())
		}
		args[i] = pm.pointer()
		t.MaybeNull = t.MaybeNull || args[i].Type.MaybeNull
	}
	o := ops[0]
	o.m.mem = first.withPointer(g.phi(b, t, args))
	return o
}
