package passes

import (
	"regexp"
	"testing"
)

// A run-time key stored for one map operation is reused by the next one
// it dominates; a constant key is stored again, so its slot is not kept
// alive in between (64 constant keys used twice ran out of stack).
func TestExpandReusesRuntimeKeysOnly(t *testing.T) {
	src := `func f
  map m type=hash key=4 value=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0
  v2 = Const <i64> [7]
  v3 = MapLookup <ptr:map?> {map:m} v1
  v4 = MapLookup <ptr:map?> {map:m} v2
  v5 = Const <i64> [1]
  v6 = MapUpdate <i64> {map:m} [0] v1 v5
  v7 = MapUpdate <i64> {map:m} [0] v2 v5
  v8 = Const <i64> [0]
  Ret v8
`
	got := runPass(t, src, expand)
	stores := func(x string) int {
		return len(regexp.MustCompile(`Store <u32> \[0\] v\d+ `+x+`\b`).FindAllString(got, -1))
	}
	if stores("v1") != 1 || stores("v2") != 2 {
		t.Errorf("key v1 stored %d times (want 1, then reused), constant key v2 %d times (want 2):\n%s", stores("v1"), stores("v2"), got)
	}
}
