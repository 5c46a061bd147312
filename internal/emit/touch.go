package emit

import "github.com/cilium/ebpf/asm"

// touchFrame works around a verifier bug of Linux 6.18 ("verifier bug:
// stack slot 10, total slots 10", EFAULT) by making the program's first
// instruction write the deepest word of its frame of size bytes, so every
// verifier state has the whole frame allocated.
//
// The verifier grows a state's stack to the deepest byte the path has
// written. When it prunes a path against a state in which a stack word
// holds a precise spilled scalar, it backtracks the current path to mark
// that word precise too; a write it does not recognise as a spill (a
// narrow store off a word boundary, a zero (kept as zero bytes), an atomic add,
// a helper filling a buffer) does not end the walk, which then reaches an
// older state whose stack is not that deep yet. That needs a word written
// as a spill on one path and otherwise on another, which frame slots
// shared by values of different paths do make.
//
// So the store is added only for frames with such a word, and not when
// the instructions before the first jump write the deepest word already.
func (e *emitter) touchFrame(size int) {
	if size == 0 || !mixedStackWrites(e.insns) {
		return
	}
	deep := -int16(roundUp(size, 8))
	for _, ins := range e.insns {
		if ins.OpCode.Class().IsJump() {
			break
		}
		if ins.OpCode.Class().IsStore() && ins.Dst == asm.R10 && ins.Offset < deep+8 {
			return
		}
	}
	st := storeImm(asm.R10, deep, 0, asm.DWord)
	if len(e.insns) > 0 {
		st = st.WithSource(e.insns[0].Source())
	}
	e.insns = append(asm.Instructions{st}, e.insns...)
}

// mixedStackWrites reports whether some 8-byte stack word is written both
// by a store the verifier may keep as a spilled scalar and by a write it
// does not (see touchFrame). Stack pointers passed to helpers are followed
// as the emitter builds them (rX = r10; rX += off); a helper other than a
// map lookup, update or delete may write from its pointer up to the frame's
// top.
func mixedStackWrites(insns asm.Instructions) bool {
	spill := map[int16]bool{} // words, by offset / 8
	other := map[int16]bool{}
	words := func(off int16, n int, m map[int16]bool) {
		for b := int(off); b < int(off)+n; b++ {
			m[floorDiv8(int16(b))] = true
		}
	}
	var ptr [asm.R10 + 1]int16 // stack offset a register holds, 0 when not a stack pointer
	for _, ins := range insns {
		op := ins.OpCode
		switch {
		case op.Class().IsStore() && ins.Dst == asm.R10:
			n := op.Size().Sizeof()
			aligned := ins.Offset%8 == 0
			switch {
			case op.Mode() != asm.MemMode:
				words(ins.Offset, n, other)
			case op.Class() == asm.StXClass && aligned:
				words(ins.Offset, n, spill)
				if n < 8 {
					words(ins.Offset, n, other)
				}
			case op.Class() == asm.StClass && aligned && (n == 8 || ins.Constant != 0):
				words(ins.Offset, n, spill)
				if n < 8 || ins.Constant == 0 {
					// A zero may be kept as zero bytes rather than
					// as a spilled constant.
					words(ins.Offset, n, other)
				}
			default:
				words(ins.Offset, n, other)
			}
		case ins.IsBuiltinCall():
			switch asm.BuiltinFunc(ins.Constant) {
			case asm.FnMapLookupElem, asm.FnMapUpdateElem, asm.FnMapDeleteElem:
			default:
				for r := asm.R1; r <= asm.R5; r++ {
					if ptr[r] < 0 {
						words(ptr[r], -int(ptr[r]), other)
					}
				}
			}
			for r := asm.R0; r <= asm.R5; r++ {
				ptr[r] = 0
			}
		case op.Class().IsJump():
		case op == asm.Mov.Op(asm.RegSource) && ins.Src == asm.R10 && ins.Dst < asm.R10:
			ptr[ins.Dst] = stackTop
		case op == asm.Add.Op(asm.ImmSource) && ins.Dst < asm.R10 && ptr[ins.Dst] == stackTop:
			ptr[ins.Dst] = int16(ins.Constant)
		default:
			if ins.Dst < asm.R10 && !op.Class().IsStore() {
				ptr[ins.Dst] = 0
			}
		}
	}
	for w := range spill {
		if other[w] {
			return true
		}
	}
	return false
}

// stackTop marks a register that holds r10 itself.
const stackTop = 1

func floorDiv8(b int16) int16 {
	if b < 0 {
		return -((-b + 7) / 8)
	}
	return b / 8
}
