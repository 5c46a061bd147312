package emit

import (
	"errors"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

func TestFrameSharesDisjointSlots(t *testing.T) {
	// s0 is done with before s2 starts, so they can share bytes; s2 and
	// s1 are used at the same time and cannot.
	f, err := ir.Parse(`func f
  slot s0 size=16 align=8
  slot s1 size=16 align=8
  slot s2 size=8 align=8
b0:
  v0 = SlotAddr <ptr:stack> {s0}
  v1 = Const <i64> [1]
  v2 = Store <u64> [0] v0 v1
  v3 = Load <u64> [0] v0
  v4 = SlotAddr <ptr:stack> {s2}
  v5 = Store <u64> [0] v4 v3
  Plain -> b1
b1:
  v6 = SlotAddr <ptr:stack> {s1}
  v7 = Store <u64> [8] v6 v1
  v8 = Load <u64> [0] v4
  Ret v8
`)
	if err != nil {
		t.Fatal(err)
	}
	size, err := layoutFrame(f)
	if err != nil {
		t.Fatal(err)
	}
	s0, s1, s2 := f.Slots[0], f.Slots[1], f.Slots[2]
	overlap := func(a, b *ir.Slot) bool { return a.Offset < b.Offset+b.Size && b.Offset < a.Offset+a.Size }
	if size != 24 || !overlap(s0, s2) || overlap(s1, s2) {
		t.Errorf("frame %d bytes, offsets s0 %d s1 %d s2 %d; want 24 bytes, s0 sharing with s2, s1 apart from s2", size, s0.Offset, s1.Offset, s2.Offset)
	}
	for _, s := range f.Slots {
		if s.Offset%s.Align != 0 || s.Offset+s.Size > 0 {
			t.Errorf("slot %v at %d is misaligned or above the frame", s, s.Offset)
		}
	}
}

func TestFrameTooBigNamesTheLine(t *testing.T) {
	f := ir.NewFunc("f", "x.lua")
	b := f.Entry()
	for i, size := range []int{400, 200} {
		s := f.NewSlot("buf", size, 8, 10+i)
		a := b.NewValue(ir.OpSlotAddr, ir.Ptr(ir.SpaceStack), 10+i)
		a.Aux = s
		st := b.NewValue(ir.OpStore, ir.U8, 10+i, a, b.NewConst(ir.I64, 0, 10+i))
		_ = st
	}
	// Both stay in use to the end.
	var last *ir.Value
	for _, v := range b.Values {
		if v.Op == ir.OpSlotAddr {
			last = b.NewValue(ir.OpLoad, ir.U8, 12, v)
		}
	}
	b.Kind = ir.BlockRet
	b.SetControl(last)
	_, err := layoutFrame(f)
	var se *StackError
	if !errors.As(err, &se) || se.Line != 11 || se.Need <= MaxStack {
		t.Errorf("got %v, want a StackError at line 11", err)
	}
}
