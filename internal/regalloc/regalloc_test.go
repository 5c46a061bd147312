package regalloc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

func allocate(t *testing.T, src string) *ir.Func {
	t.Helper()
	f, err := ir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := Allocate(f); err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(f); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
	if err := Check(f); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
	return f
}

// regOf returns the register of the value whose text starts with def.
func findValue(f *ir.Func, pred func(*ir.Value) bool) *ir.Value {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if pred(v) {
				return v
			}
		}
	}
	return nil
}

// copies counts the copies that move between different registers.
func copies(f *ir.Func) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ir.OpCopy && v.Reg != v.Args[0].Reg {
				n++
			}
		}
	}
	return n
}

func TestCallConstraints(t *testing.T) {
	// A lookup with its key spilled to the stack: map in R1, key address
	// in R2, result in R0; the packet load needs the context in R6.
	f := allocate(t, `func f
  slot s0 size=4 align=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = SlotAddr <ptr:stack> {s0}
  v3 = Store <u32> [0] v2 v1
  v4 = MapPtr <ptr:mapfd> {map:m}
  v5 = Call <ptr:map?> {helper:map_lookup_elem} v4 v2
  v6 = Const <i64> [0]
  v7 = Eq <bool> v5 v6
  If v7 -> b1 b2
b1:
  Ret v6
b2:
  v8 = Const <i64> [1]
  v9 = AtomicAdd <u32> [0] v5 v8
  Ret v6
`)
	call := findValue(f, func(v *ir.Value) bool { return v.Op == ir.OpCall })
	if call.Reg != R0 || call.Args[0].Reg != 1 || call.Args[1].Reg != 2 {
		t.Errorf("call in r%d with args r%d, r%d; want r0, r1, r2\n%s", call.Reg, call.Args[0].Reg, call.Args[1].Reg, f)
	}
	ld := findValue(f, func(v *ir.Value) bool { return v.Op == ir.OpLoadSkbAbs })
	if ld.Reg != R0 || ld.Args[0].Reg != 6 {
		t.Errorf("packet load in r%d with ctx in r%d; want r0 and r6\n%s", ld.Reg, ld.Args[0].Reg, f)
	}
	// Only the entry move of the context from R1 to R6 remains.
	if n := copies(f); n != 1 {
		t.Errorf("%d register moves, want 1 (r6 = r1):\n%s", n, f)
	}
}

func TestValuesLiveAcrossCallsAvoidCallerSaved(t *testing.T) {
	f := allocate(t, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Call <u64> {helper:ktime_get_ns}
  v3 = Add <i64> v2 v1
  Ret v3
`)
	ld := findValue(f, func(v *ir.Value) bool { return v.Op == ir.OpCopy && v.Args[0].Op == ir.OpLoadSkbAbs })
	if ld == nil || ld.Reg < 6 {
		t.Errorf("the packet byte lives across a call but is in r%d:\n%s", ld.Reg, f)
	}
}

func TestSpillsUnderPressure(t *testing.T) {
	// Twelve values live at once need more than R0-R9.
	var b strings.Builder
	b.WriteString("func f\nb0:\n  v0 = Arg <ptr:ctx>\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  v%d = LoadSkbAbs <u8> [%d] v0\n", i, i)
	}
	fmt.Fprintf(&b, "  v13 = Add <i64> v1 v2\n")
	for i := 3; i <= 12; i++ {
		fmt.Fprintf(&b, "  v%d = Add <i64> v%d v%d\n", 11+i, 10+i, i)
	}
	b.WriteString("  Ret v22\n")
	f := allocate(t, b.String())
	spills := 0
	for _, s := range f.Slots {
		if s.Name == "spill" {
			spills++
		}
	}
	if spills == 0 {
		t.Errorf("no spill slots for 12 values live across packet loads:\n%s", f)
	}
	for _, blk := range f.Blocks {
		for _, v := range blk.Values {
			if v.Reg >= NumRegs {
				t.Errorf("%v got r%d", v, v.Reg)
			}
		}
	}
}

// The verifier rejects a division or modulo by an immediate 0 ("div by
// zero"), so a zero divisor must be put in a register, where the machine
// defines x / 0 as 0 and x % 0 as x.
func TestZeroDivisorIsNotAnImmediate(t *testing.T) {
	for _, op := range []string{"Div", "SDiv", "Mod", "SMod"} {
		f := allocate(t, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [0]
  v3 = `+op+` <i64> v1 v2
  Ret v3
`)
		div := findValue(f, func(v *ir.Value) bool { return v.Op.String() == op })
		if Inline(div, 1) || div.Args[1].Reg < 0 {
			t.Errorf("%s by 0 encodes the divisor as an immediate:\n%s", op, f)
		}
	}
}
