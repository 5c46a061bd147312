package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/luabpf/luabpf/internal/ir"
)

// MaxStack is the kernel's limit on a program's stack, in bytes.
const MaxStack = 512

// StackError says the stack slots alive at one point need more than
// MaxStack bytes. Line is the Lua line of the slot that did not fit: the
// ffi.new call, the map operation whose key or value it holds, the value
// a spill slot holds.
type StackError struct {
	Line int
	Need int
	// Alive says what the slots alive there hold, most bytes first.
	Alive []StackUse
}

// StackUse is a kind of stack slot alive when the stack overflowed: how
// many and how many bytes.
type StackUse struct {
	What         string // a Lua description, plural: "map keys", "ffi.new('struct flow') objects", ...
	Count, Bytes int
	one, advice  string // What for a count of one; what to do about it
}

// Error says what the stack objects need and what to do.
func (e *StackError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bytes of stack are needed here, more than the %d bytes the kernel allows a program", e.Need, MaxStack)
	for i, u := range e.Alive {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		what := u.What
		if u.Count == 1 {
			what = u.one
		}
		fmt.Fprintf(&b, "%s%d %s (%d bytes)", sep, u.Count, what, u.Bytes)
	}
	if len(e.Alive) > 0 {
		b.WriteString("; " + e.Alive[0].advice)
	}
	return b.String()
}

// stackUses groups slots by what they hold. Slot names say it: the
// compiler names its own slots "key", "value" (map operations), "spill"
// (values that did not fit in registers) and "fmt" (print formats);
// ffi.new names a slot after its C type.
func stackUses(slots []*ir.Slot) []StackUse {
	byWhat := map[string]*StackUse{}
	var order []string
	for _, s := range slots {
		var one, what, advice string
		switch s.Name {
		case "key":
			one, what, advice = "map key", "map keys", "use fewer map keys at once"
		case "value":
			one, what, advice = "map value", "map values", "use fewer map values at once"
		case "spill":
			one, what, advice = "value that did not fit in a register", "values that did not fit in registers", "keep fewer values alive at once, for example by computing a value where it is used"
		case "fmt":
			one, what, advice = "print format", "print formats", "use shorter print formats"
		default:
			one = fmt.Sprintf("ffi.new('%s') object", s.Name)
			what, advice = one+"s", "use fewer or smaller ffi.new objects at once"
		}
		u := byWhat[what]
		if u == nil {
			u = &StackUse{What: what, one: one, advice: advice}
			byWhat[what] = u
			order = append(order, what)
		}
		u.Count++
		u.Bytes += s.Size
	}
	out := make([]StackUse, 0, len(order))
	for _, w := range order {
		out = append(out, *byWhat[w])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out
}

// span is the part of the program, in reverse-postorder positions, from
// a slot's first access to its last.
type span struct{ first, last int }

// slotSpans finds where each slot is used. The function is acyclic (loops
// are unrolled), so every path meets the positions in increasing order:
// two slots whose spans do not overlap are never needed at once and can
// share memory. A slot whose address goes anywhere but the address of a
// memory access or a helper call (stored as a value, say) is treated as
// alive throughout.
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
			for i, a := range v.Args {
				if a.Op != ir.OpSlotAddr {
					continue
				}
				s := a.Aux.(*ir.Slot)
				touch(s)
				if !(v.Op.IsMemAccess() && i == 0) && !v.Op.CallsHelper() {
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
			alive := []*ir.Slot{s}
			for _, p := range active {
				alive = append(alive, p.s)
			}
			return end, &StackError{Line: s.Line, Need: end, Alive: stackUses(alive)}
		}
		s.Offset = -end
		active = append(active, placed{s, end - s.Size, end})
		size = max(size, end)
	}
	return size, nil
}

func roundUp(n, a int) int { return (n + a - 1) / a * a }
