package emit

import (
	"fmt"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
)

// Program is an emitted function.
type Program struct {
	Insns asm.Instructions
	// Lines gives, for each instruction (by index in Insns), the Lua line
	// it came from, or 0.
	Lines []int
	// StackSize is the frame size in bytes.
	StackSize int
}

// LineAt returns the Lua line of the instruction at slot (the kernel's
// instruction numbering, where ld_imm64 takes two slots), or 0.
func (p *Program) LineAt(slot int) int {
	pos := 0
	for i, ins := range p.Insns {
		w := int(ins.Width())
		if slot >= pos && slot < pos+w {
			return p.Lines[i]
		}
		pos += w
	}
	return 0
}

// Slots returns the program's length in 8-byte instruction slots.
func (p *Program) Slots() int {
	n := 0
	for _, ins := range p.Insns {
		n += int(ins.Width())
	}
	return n
}

// jump is a jump instruction waiting for its target's position.
type jump struct {
	at     int // index in insns
	target *ir.Block
}

type emitter struct {
	f      *ir.Func
	insns  asm.Instructions
	lines  []int
	jumps  []jump
	line   int
	body   map[*ir.Block][2]int // instruction range of each block's values
	start  map[*ir.Block]int    // index of each placed block's first instruction
	err    error
	layout []*ir.Block
}

// Emit turns f, after register allocation, into instructions.
func Emit(f *ir.Func) (*Program, error) {
	size, err := layoutFrame(f)
	if err != nil {
		return nil, err
	}
	e := &emitter{f: f, body: map[*ir.Block][2]int{}, start: map[*ir.Block]int{}}
	bodies := map[*ir.Block][]asm.Instruction{}
	bodyLines := map[*ir.Block][]int{}
	for _, b := range f.Blocks {
		e.insns, e.lines = nil, nil
		for _, v := range b.Values {
			e.line = v.Line
			e.value(v)
		}
		bodies[b], bodyLines[b] = e.insns, e.lines
	}
	if e.err != nil {
		return nil, e.err
	}
	e.layout = e.order(bodies)
	e.insns, e.lines = nil, nil
	for i, b := range e.layout {
		e.start[b] = len(e.insns)
		e.insns = append(e.insns, bodies[b]...)
		e.lines = append(e.lines, bodyLines[b]...)
		var next *ir.Block
		if i+1 < len(e.layout) {
			next = e.layout[i+1]
		}
		e.line = b.Line
		e.terminator(b, next, bodies)
	}
	if err := e.resolve(bodies); err != nil {
		return nil, err
	}
	return &Program{Insns: e.insns, Lines: e.lines, StackSize: size}, e.err
}

func (e *emitter) add(ins asm.Instruction) {
	e.insns = append(e.insns, ins)
	e.lines = append(e.lines, e.line)
}

func (e *emitter) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("emit %s: %s", e.f.Name, fmt.Sprintf(format, args...))
	}
}

// forwarder reports whether b emits nothing and just continues to its
// single successor.
func forwarder(b *ir.Block, bodies map[*ir.Block][]asm.Instruction) bool {
	return b.Kind == ir.BlockPlain && len(bodies[b]) == 0 && b.Succs[0] != b
}

// target follows forwarders from b to the block that really runs next.
func target(b *ir.Block, bodies map[*ir.Block][]asm.Instruction) *ir.Block {
	for i := 0; i < 64 && forwarder(b, bodies); i++ {
		b = b.Succs[0]
	}
	return b
}

// order lays the blocks out: entry first, then each block's preferred
// successor (the false edge of an If, so the jump is taken on the
// condition), falling back to source order.
func (e *emitter) order(bodies map[*ir.Block][]asm.Instruction) []*ir.Block {
	placed := map[*ir.Block]bool{}
	var out []*ir.Block
	entry := target(e.f.Entry(), bodies)
	pending := []*ir.Block{entry}
	for _, b := range e.f.Blocks {
		pending = append(pending, b)
	}
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
				f := target(b.Succs[1], bodies)
				t := target(b.Succs[0], bodies)
				next = f
				if placed[f] || (!placed[t] && (len(t.Preds) < len(f.Preds) || len(t.Preds) == len(f.Preds) && t.ID < f.ID)) {
					next = t
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

// resolve sets every jump's offset, in slots.
func (e *emitter) resolve(bodies map[*ir.Block][]asm.Instruction) error {
	pos := make([]int, len(e.insns)+1)
	for i, ins := range e.insns {
		pos[i+1] = pos[i] + int(ins.Width())
	}
	for _, j := range e.jumps {
		t := target(j.target, bodies)
		at, ok := e.start[t]
		if !ok {
			return fmt.Errorf("emit %s: jump to unplaced block %v", e.f.Name, t)
		}
		off := pos[at] - pos[j.at] - 1
		if off < -32768 || off > 32767 {
			return fmt.Errorf("emit %s: program too long for a jump (%d slots)", e.f.Name, off)
		}
		e.insns[j.at].Offset = int16(off)
	}
	return nil
}
