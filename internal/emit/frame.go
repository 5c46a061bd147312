package emit

import (
	"fmt"
	"sort"

	"github.com/luabpf/luabpf/internal/ir"
)

// MaxStack is the kernel's limit on a program's stack, in bytes.
const MaxStack = 512

// StackError says the stack objects alive at one point need more than
// MaxStack bytes; Line is where the object that did not fit was made.
type StackError struct {
	Line int
	Need int
}

func (e *StackError) Error() string {
	return fmt.Sprintf("stack objects alive here need %d bytes, more than the %d bytes the kernel allows a program; use fewer or smaller ffi.new objects at once", e.Need, MaxStack)
}

// span is the part of the program, in reverse-postorder positions, from
// a slot's first access to its last.
type span struct{ first, last int }

// slotSpans finds where each slot is used. The function is acyclic (loops
// are unrolled), so every path meets the positions in increasing order:
// two slots whose spans do not overlap are never needed at once and can
// share memory. A slot whose address goes anywhere but a memory access or
// a helper call is treated as alive throughout.
func slotSpans(f *ir.Func) map[*ir.Slot]span {
	po := f.Postorder()
	spans := map[*ir.Slot]span{}
	pos := 0
	everywhere := map[*ir.Slot]bool{}
	touch := func(s *ir.Slot) {
		sp, ok := spans[s]
		if !ok {
			sp = span{first: pos, last: pos}
		}
		sp.last = pos
		spans[s] = sp
	}
	for i := len(po) - 1; i >= 0; i-- {
		b := po[i]
		for _, v := range b.Values {
			pos++
			if v.Op == ir.OpSlotAddr {
				touch(v.Aux.(*ir.Slot))
			}
			for _, a := range v.Args {
				if a.Op != ir.OpSlotAddr {
					continue
				}
				s := a.Aux.(*ir.Slot)
				touch(s)
				switch v.Op {
				case ir.OpLoad, ir.OpStore, ir.OpLoadOrZero, ir.OpAtomicAdd, ir.OpCall:
				default:
					everywhere[s] = true
				}
			}
		}
		pos++
		if c := b.Control; c != nil && c.Op == ir.OpSlotAddr {
			everywhere[c.Aux.(*ir.Slot)] = true
		}
	}
	for s := range everywhere {
		spans[s] = span{first: 0, last: pos}
	}
	return spans
}

// layoutFrame gives each slot an R10-relative offset, letting slots that
// are never alive together share bytes, and returns the frame size.
func layoutFrame(f *ir.Func) (int, error) {
	spans := slotSpans(f)
	var slots []*ir.Slot
	for _, s := range f.Slots {
		if _, used := spans[s]; used {
			slots = append(slots, s)
		}
	}
	sort.SliceStable(slots, func(i, j int) bool { return spans[slots[i]].first < spans[slots[j]].first })
	type placed struct {
		s          *ir.Slot
		start, end int // bytes below R10: [start, end)
	}
	var active []placed
	size := 0
	for _, s := range slots {
		sp := spans[s]
		live := active[:0]
		for _, p := range active {
			if spans[p.s].last >= sp.first {
				live = append(live, p)
			}
		}
		active = live
		sort.Slice(active, func(i, j int) bool { return active[i].start < active[j].start })
		align := min(max(s.Align, 1), 8)
		end := roundUp(s.Size, align)
		for _, p := range active {
			if end-s.Size < p.end && p.start < end {
				end = roundUp(p.end+s.Size, align)
			}
		}
		if end > MaxStack {
			need := end
			return need, &StackError{Line: s.Line, Need: need}
		}
		s.Offset = -end
		active = append(active, placed{s, end - s.Size, end})
		size = max(size, end)
	}
	return size, nil
}

func roundUp(n, a int) int { return (n + a - 1) / a * a }
