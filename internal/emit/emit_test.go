package emit

import (
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/regalloc"
)

// A value nothing reads gets no register; emitting it anyway wrote to an
// invalid register ("R15 is invalid").
func TestDeadValueEmitsNothing(t *testing.T) {
	f, err := ir.Parse(`func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [5]
  v3 = Gt <bool> v1 v2
  v4 = Add <i64> v1 v2
  Ret v1
`)
	if err != nil {
		t.Fatal(err)
	}
	if err := regalloc.Allocate(f); err != nil {
		t.Fatal(err)
	}
	p, err := Emit(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ins := range p.Insns {
		if ins.Dst > 10 || ins.Src > 10 {
			t.Errorf("instruction %v uses an invalid register:\n%v", ins, p.Insns)
		}
	}
	if len(p.Insns) != 3 {
		t.Errorf("%d instructions, want 3 (r6 = r1, load, exit):\n%v", len(p.Insns), p.Insns)
	}
}
