package passes

import (
	"strings"
	"testing"
)

func TestDSERemovesOverwrittenZeroing(t *testing.T) {
	src := `func f
  slot s0 size=8 align=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = SlotAddr <ptr:stack> {s0}
  v2 = Const <i64> [0]
  v3 = Store <u64> [0] v1 v2
  v4 = LoadSkbAbs <u32> [26] v0
  v5 = Store <u32> [0] v1 v4
  v6 = Store <u32> [4] v1 v4
  v7 = Load <u32> [0] v1
  Ret v7
`
	got := runPass(t, src, dse)
	if strings.Contains(got, "Store <u64>") {
		t.Errorf("the zeroing store survived:\n%s", got)
	}
}

func TestDSEKeepsStoresReadInBetween(t *testing.T) {
	src := `func f
  slot s0 size=4 align=4
b0:
  v1 = SlotAddr <ptr:stack> {s0}
  v2 = Const <i64> [7]
  v3 = Store <u32> [0] v1 v2
  v4 = Load <u32> [0] v1
  v5 = Store <u32> [0] v1 v4
  Ret v4
`
	if got := runPass(t, src, dse); strings.Count(got, "Store") != 2 {
		t.Errorf("a store read before being overwritten was removed:\n%s", got)
	}
}
