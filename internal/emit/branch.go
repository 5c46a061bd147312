package emit

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/regalloc"
)

var jumpOps = map[ir.Op]asm.JumpOp{
	ir.OpEq: asm.JEq, ir.OpNe: asm.JNE, ir.OpLt: asm.JLT, ir.OpLe: asm.JLE,
	ir.OpGt: asm.JGT, ir.OpGe: asm.JGE, ir.OpSLt: asm.JSLT, ir.OpSLe: asm.JSLE,
	ir.OpSGt: asm.JSGT, ir.OpSGe: asm.JSGE, ir.OpTst: asm.JSet,
}

// condJump builds "if <cmp> goto +off" for comparison c, negated when
// neg is set (the caller checked that it can be).
func (e *emitter) condJump(c *ir.Value, neg bool, off int16) asm.Instruction {
	op := c.Op
	if neg {
		op = op.Negate()
	}
	class := asm.JumpClass
	if regalloc.Inline(c, 1) && regalloc.Jmp32Imm(c) {
		class = asm.Jump32Class
	}
	ins := asm.Instruction{Dst: reg(c.Args[0]), Offset: off}
	if regalloc.Inline(c, 1) {
		ins.OpCode = asm.OpCode(class).SetJumpOp(jumpOps[op]).SetSource(asm.ImmSource)
		ins.Constant = int64(int32(c.Args[1].AuxInt))
	} else {
		ins.OpCode = asm.OpCode(class).SetJumpOp(jumpOps[op]).SetSource(asm.RegSource)
		ins.Src = reg(c.Args[1])
	}
	return ins
}

// jumpTo emits ins, a jump, to block t: its target is t's label, its
// offset the placeholder cilium/ebpf resolves.
func (e *emitter) jumpTo(ins asm.Instruction, t *ir.Block) {
	ins.Offset = -1
	e.add(ins.WithReference(e.label(t)))
}

// goTo emits an unconditional jump to t.
func (e *emitter) goTo(t *ir.Block) {
	e.jumpTo(asm.Instruction{OpCode: asm.Ja.Op(asm.ImmSource)}, t)
}

// terminator ends block b; next is the block laid out after it.
func (e *emitter) terminator(b *ir.Block, next *ir.Block, bodies map[*ir.Block]asm.Instructions) {
	switch b.Kind {
	case ir.BlockRet:
		e.add(asm.Return())
	case ir.BlockPlain:
		if t := target(b.Succs[0], bodies); t != next {
			e.goTo(t)
		}
	case ir.BlockIf:
		t, f := target(b.Succs[0], bodies), target(b.Succs[1], bodies)
		c := b.Control
		if !regalloc.Fused(c) {
			// A bool or integer in a register: true when non-zero.
			ins := asm.Instruction{OpCode: asm.JNE.Op(asm.ImmSource), Dst: reg(c)}
			if t == next {
				ins.OpCode = asm.JEq.Op(asm.ImmSource)
				e.jumpTo(ins, f)
				return
			}
			e.jumpTo(ins, t)
			if f != next {
				e.goTo(f)
			}
			return
		}
		if t == next && c.Op.Negate() != ir.OpInvalid {
			e.jumpTo(e.condJump(c, true, 0), f)
			return
		}
		e.jumpTo(e.condJump(c, false, 0), t)
		if f != next {
			e.goTo(f)
		}
	}
}
