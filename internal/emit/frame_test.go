package emit

import (
	"errors"
	"strings"
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

// The error says what holds the stack, so a program without ffi.new is
// not told to use fewer ffi.new objects.
func TestFrameTooBigSaysWhatUsesIt(t *testing.T) {
	f := ir.NewFunc("f", "x.lua")
	b := f.Entry()
	var addrs []*ir.Value
	add := func(name string, size, line int) {
		s := f.NewSlot(name, size, 8, line)
		a := b.NewValue(ir.OpSlotAddr, ir.Ptr(ir.SpaceStack), line)
		a.Aux = s
		b.NewValue(ir.OpStore, ir.U8, line, a, b.NewConst(ir.I64, 0, line))
		addrs = append(addrs, a)
	}
	for i := range 62 {
		add("key", 8, 3+i%2)
	}
	add("spill", 8, 7)
	add("struct flow", 16, 8)
	for _, a := range addrs {
		b.NewValue(ir.OpLoad, ir.U8, 9, a)
	}
	b.Kind = ir.BlockRet
	b.SetControl(b.Values[len(b.Values)-1])
	_, err := layoutFrame(f)
	var se *StackError
	if !errors.As(err, &se) || se.Line != 8 {
		t.Fatalf("got %v, want a StackError at line 8 (the slot that did not fit)", err)
	}
	for _, s := range []string{"520 bytes of stack are needed here", "62 map keys (496 bytes)", "1 value that did not fit in a register (8 bytes)", "1 ffi.new('struct flow') object (16 bytes)", "; use fewer map keys at once"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

// A slot whose address is stored to memory is reached later through the
// loaded pointer, which slotSpans cannot follow: the slot must stay
// alive throughout, not end at the store. The register allocator does
// this when it spills a phi of stack addresses.
func TestFrameKeepsSlotWhoseAddressIsStored(t *testing.T) {
	f, err := ir.Parse(`func f
  slot s0 size=8 align=8
  slot s1 size=8 align=8
  slot s2 size=8 align=8 name=spill
b0:
  v0 = SlotAddr <ptr:stack> {s0}
  v1 = Const <i64> [1]
  v2 = Store <u64> [0] v0 v1
  v3 = SlotAddr <ptr:stack> {s2}
  v4 = Store <u64> [0] v3 v0
  v5 = SlotAddr <ptr:stack> {s1}
  v6 = Store <u64> [0] v5 v1
  v7 = Load <ptr:stack> [0] v3
  v8 = Load <u64> [0] v7
  v9 = Load <u64> [0] v5
  v10 = Add <i64> v8 v9
  Ret v10
`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := layoutFrame(f); err != nil {
		t.Fatal(err)
	}
	s0, s1 := f.Slots[0], f.Slots[1]
	if s0.Offset < s1.Offset+s1.Size && s1.Offset < s0.Offset+s0.Size {
		t.Errorf("s0 at %d shares bytes with s1 at %d, but s0 is still read through the pointer stored in s2", s0.Offset, s1.Offset)
	}
}
