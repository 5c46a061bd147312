package ir

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/proto"
)

// String returns f in the text form Parse reads.
func (f *Func) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "func %s\n", f.Name)
	for _, s := range f.Slots {
		fmt.Fprintf(&b, "  slot %s size=%d align=%d", s, s.Size, s.Align)
		if s.Offset != 0 {
			fmt.Fprintf(&b, " offset=%d", s.Offset)
		}
		if s.Name != "" {
			fmt.Fprintf(&b, " name=%s", s.Name)
		}
		b.WriteByte('\n')
	}
	for _, m := range f.Maps() {
		fmt.Fprintf(&b, "  map %s key=%d value=%d\n", m.Name, m.KeySize, m.ValueSize)
	}
	for _, blk := range f.Blocks {
		b.WriteString(blk.String())
		b.WriteByte(':')
		if len(blk.Preds) > 0 {
			b.WriteString(" <-")
			for _, p := range blk.Preds {
				b.WriteString(" " + p.String())
			}
		}
		b.WriteByte('\n')
		for _, v := range blk.Values {
			b.WriteString("  " + v.LongString() + "\n")
		}
		b.WriteString("  " + blk.terminator() + "\n")
	}
	return b.String()
}

// Maps returns the maps f refers to, sorted by name.
func (f *Func) Maps() []*MapRef {
	seen := map[*MapRef]bool{}
	var out []*MapRef
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if m, ok := v.Aux.(*MapRef); ok && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (b *Block) terminator() string {
	var s string
	switch b.Kind {
	case BlockPlain:
		s = "Plain ->"
	case BlockIf:
		s = fmt.Sprintf("If %v ->", b.Control)
	case BlockRet:
		s = fmt.Sprintf("Ret %v", b.Control)
	}
	for _, t := range b.Succs {
		s += " " + t.String()
	}
	if b.Line > 0 {
		s += fmt.Sprintf(" @%d", b.Line)
	}
	return s
}

// LongString returns v's definition: "v3 = Add <i64> v1 v2 @14".
func (v *Value) LongString() string {
	var b strings.Builder
	b.WriteString(v.String())
	if v.Reg >= 0 {
		fmt.Fprintf(&b, ":r%d", v.Reg)
	}
	fmt.Fprintf(&b, " = %s <%s>", v.Op, v.Type)
	if v.hasAuxInt() {
		fmt.Fprintf(&b, " [%d]", v.AuxInt)
	}
	switch a := v.Aux.(type) {
	case *Slot:
		fmt.Fprintf(&b, " {%s}", a)
	case *MapRef:
		fmt.Fprintf(&b, " {map:%s}", a.Name)
	case asm.BuiltinFunc:
		fmt.Fprintf(&b, " {helper:%s}", strings.TrimPrefix(proto.HelperName(a), "bpf_"))
	}
	for _, a := range v.Args {
		b.WriteString(" " + a.String())
	}
	if v.Line > 0 {
		fmt.Fprintf(&b, " @%d", v.Line)
	}
	return b.String()
}

// hasAuxInt reports whether v's AuxInt is printed: always when its op
// has one, so a zero offset shows, except a SlotAddr at its slot's start.
func (v *Value) hasAuxInt() bool {
	switch v.Op.AuxInt() {
	case AuxNone, AuxSlotOffset:
		return v.AuxInt != 0
	}
	return true
}
