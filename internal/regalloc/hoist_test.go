package regalloc

import (
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

// A packet byte read as 0 past the end: the phi's 0 comes along the
// check's miss edge.
const missZero = `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Const <i64> [3]
  v4 = Add <ptr:pkt> v1 v3
  v5 = Gt <bool> v4 v2
  v9 = Const <i64> [0]
  If v5 -> b2 b1
b1: <- b0
  v6 = Load <u8> [2] v1
  Plain -> b2
b2: <- b0 b1
  v8 = Phi <u8> v9 v6
  Ret v8
`

// emitted counts the values of b that become instructions: copies
// between two registers and values given a register.
func emitted(b *ir.Block) int {
	n := 0
	for _, v := range b.Values {
		if v.Reg >= 0 && !(v.Op == ir.OpCopy && v.Reg == v.Args[0].Reg) && v.Op != ir.OpPhi {
			n++
		}
	}
	return n
}

func TestHoistMakesTheMissConstantBeforeTheBranch(t *testing.T) {
	f := allocate(t, missZero)
	phi := findValue(f, func(v *ir.Value) bool { return v.Op == ir.OpPhi })
	b0 := f.Entry()
	var zero *ir.Value
	for _, v := range b0.Values {
		if c, ok := v.IsConst(); ok && c == 0 && v.Reg >= 0 {
			zero = v
		}
	}
	if zero == nil || zero.Reg != phi.Reg {
		t.Fatalf("no 0 made in the phi's register r%d before the branch:\n%s", phi.Reg, f)
	}
	if cmp := b0.Control; cmp.Args[0].Reg == phi.Reg {
		t.Errorf("the check's pointer shares r%d with the 0 made before it:\n%s", phi.Reg, f)
	}
	// The check's true side, split for the phi's copies, holds nothing
	// to emit: the check jumps straight to the phi.
	if e := b0.Succs[0]; emitted(e) > 0 {
		t.Errorf("edge block %v still emits something:\n%s", e, f)
	}
}

// The sum's register is the one the phi wants, and the sum's first
// operand is live across the branch: a 0 made before the branch would
// take that register, so it stays on its edge and no copy appears.
func TestHoistTakenBackWhenThePhiRegisterIsBusy(t *testing.T) {
	f := allocate(t, `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Load <u8> [0] v1
  v4 = Const <i64> [0]
  v5 = Eq <bool> v3 v4
  If v5 -> b2 b1
b1: <- b0
  v6 = Load <u8> [1] v1
  v7 = Add <i64> v3 v6
  Plain -> b2
b2: <- b0 b1
  v8 = Phi <i64> v4 v7
  v10 = Const <i64> [15]
  v11 = And <i64> v8 v10
  Ret v11
`)
	if n := copies(f); n != 0 {
		t.Errorf("%d copies between registers, want 0:\n%s", n, f)
	}
	if n := emitted(f.Entry()); n != 3 {
		t.Errorf("the entry block emits %d instructions, want 3 (two loads of packet pointers, one byte):\n%s", n, f)
	}
}
