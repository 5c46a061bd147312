package emit

import (
	"fmt"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/regalloc"
	"github.com/luabpf/luabpf/internal/source"
)

// Program is an emitted function.
type Program struct {
	// Insns are the instructions. Instruction 0 carries the function's
	// name as its symbol; jumps name the label of their target and carry
	// the placeholder offset -1, which cilium/ebpf resolves when it
	// marshals the program; every instruction's Source is the
	// *source.Line it came from (nil for none).
	Insns asm.Instructions
	// StackSize is the frame size in bytes.
	StackSize int
}

// maxJump is the farthest a jump's 16-bit offset reaches, in slots.
const maxJump = 1<<15 - 1

type emitter struct {
	f      *ir.Func
	src    *source.File
	lines  map[int]*source.Line
	insns  asm.Instructions
	line   int
	labels map[*ir.Block]string // jump targets
	err    error
}

// Emit turns f, after register allocation, into instructions. src is
// the Lua file f was compiled from; it gives each instruction its line.
func Emit(f *ir.Func, src *source.File) (*Program, error) {
	size, err := layoutFrame(f)
	if err != nil {
		return nil, err
	}
	e := &emitter{f: f, src: src, lines: map[int]*source.Line{}, labels: map[*ir.Block]string{}}
	bodies := map[*ir.Block]asm.Instructions{}
	for _, b := range f.Blocks {
		e.insns = nil
		for _, v := range b.Values {
			if regalloc.Dead(v) {
				continue
			}
			e.line = v.Line
			e.value(v)
		}
		bodies[b] = e.insns
	}
	if e.err != nil {
		return nil, e.err
	}
	layout := order(f, bodies)
	e.insns = nil
	starts := make([]int, len(layout))
	for i, b := range layout {
		starts[i] = len(e.insns)
		e.insns = append(e.insns, bodies[b]...)
		var next *ir.Block
		if i+1 < len(layout) {
			next = layout[i+1]
		}
		e.line = b.Line
		e.terminator(b, next, bodies)
	}
	if e.err != nil {
		return nil, e.err
	}
	for i, b := range layout {
		if l, ok := e.labels[b]; ok {
			e.insns[starts[i]] = e.insns[starts[i]].WithSymbol(l)
		}
	}
	e.touchFrame(size)
	if len(e.insns) > 0 {
		if s := e.insns[0].Symbol(); s != "" {
			e.retarget(s, f.Name)
		}
		e.insns[0] = e.insns[0].WithSymbol(f.Name)
	}
	if err := checkJumps(f.Name, e.insns); err != nil {
		return nil, err
	}
	return &Program{Insns: e.insns, StackSize: size}, nil
}

// add appends ins with the current Lua line as its source.
func (e *emitter) add(ins asm.Instruction) {
	e.insns = append(e.insns, ins.WithSource(e.lineInfo(e.line)))
}

// lineInfo returns the shared *source.Line of Lua line n, or nil.
func (e *emitter) lineInfo(n int) *source.Line {
	if n <= 0 || e.src == nil {
		return nil
	}
	l, ok := e.lines[n]
	if !ok {
		l = &source.Line{Pos: e.src.Pos(n), Text: e.src.Line(n)}
		e.lines[n] = l
	}
	return l
}

func (e *emitter) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("emit %s: %s", e.f.Name, fmt.Sprintf(format, args...))
	}
}

// label returns the symbol of block b's first instruction, which jumps to
// b name.
func (e *emitter) label(b *ir.Block) string {
	l, ok := e.labels[b]
	if !ok {
		l = fmt.Sprintf("%s.%v", e.f.Name, b)
		e.labels[b] = l
	}
	return l
}

// retarget makes jumps to label old name new instead: the entry's label
// gives way to the function's symbol.
func (e *emitter) retarget(old, new string) {
	for i := range e.insns {
		if e.insns[i].Reference() == old {
			e.insns[i] = e.insns[i].WithReference(new)
		}
	}
}

// checkJumps reports a jump whose target lies beyond the reach of its
// 16-bit offset, which cilium/ebpf would silently truncate.
func checkJumps(name string, insns asm.Instructions) error {
	pos := map[string]int{}
	slot := 0
	for _, ins := range insns {
		if s := ins.Symbol(); s != "" {
			pos[s] = slot
		}
		slot += int(ins.Width())
	}
	slot = 0
	for _, ins := range insns {
		if t, ok := pos[ins.Reference()]; ok && ins.OpCode.Class().IsJump() {
			if off := t - slot - 1; off < -maxJump-1 || off > maxJump {
				return fmt.Errorf("emit %s: program too long for a jump (%d slots)", name, off)
			}
		}
		slot += int(ins.Width())
	}
	return nil
}

// forwarder reports whether b emits nothing and just continues to its
// single successor.
func forwarder(b *ir.Block, bodies map[*ir.Block]asm.Instructions) bool {
	return b.Kind == ir.BlockPlain && len(bodies[b]) == 0 && b.Succs[0] != b
}

// target follows forwarders from b to the block that really runs next.
func target(b *ir.Block, bodies map[*ir.Block]asm.Instructions) *ir.Block {
	for i := 0; i < 64 && forwarder(b, bodies); i++ {
		b = b.Succs[0]
	}
	return b
}

// order lays the blocks out: entry first, then each block's preferred
// successor (the false edge of an If, so the jump is taken on the
// condition), falling back to source order.
func order(f *ir.Func, bodies map[*ir.Block]asm.Instructions) []*ir.Block {
	placed := map[*ir.Block]bool{}
	var out []*ir.Block
	entry := target(f.Entry(), bodies)
	pending := []*ir.Block{entry}
	pending = append(pending, f.Blocks...)
	for len(pending) > 0 {
		b := pending[0]
		pending = pending[1:]
		for b != nil && !placed[b] && !forwarder(b, bodies) {
			placed[b] = true
			out = append(out, b)
			var next *ir.Block
			switch b.Kind {
			case ir.BlockPlain:
				next = target(b.Succs[0], bodies)
			case ir.BlockIf:
				// Fall through to the successor fewer paths reach (the
				// body of an if), else to the false side; the other is
				// reached by the conditional jump.
				// Ties go to the block written first in the source (lower
				// ID): edge-splitting blocks for phi copies come last.
				fs := target(b.Succs[1], bodies)
				ts := target(b.Succs[0], bodies)
				next = fs
				if placed[fs] || (!placed[ts] && (len(ts.Preds) < len(fs.Preds) || len(ts.Preds) == len(fs.Preds) && ts.ID < fs.ID)) {
					next = ts
				}
			}
			if next != nil && placed[next] {
				next = nil
			}
			b = next
		}
	}
	return out
}
