package passes

import (
	"strings"
	"testing"
)

// The sock-parse-http pattern: look up, then either update (then branch)
// or look up again and add (else branch). The second lookup reuses the
// first and its null check goes away.
const httpPattern = `func f
  map m key=4 value=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u32> [54] v0
  v2 = MapLookup <ptr:map?> {map:m} v1
  v3 = Const <i64> [0]
  v4 = Eq <bool> v2 v3
  If v4 -> b1 b2
b1: <- b0
  v5 = Const <i64> [1]
  v6 = MapUpdate <i64> {map:m} [0] v1 v5
  Plain -> b5
b2: <- b0
  v7 = MapLookup <ptr:map?> {map:m} v1
  v8 = Const <i64> [0]
  v9 = Ne <bool> v7 v8
  If v9 -> b3 b4
b3: <- b2
  v10 = Const <i64> [1]
  v11 = AtomicAdd <u32> [0] v7 v10
  Plain -> b4
b4: <- b2 b3
  Plain -> b5
b5: <- b1 b4
  v12 = Const <i64> [0]
  Ret v12
`

func TestLookupCSEAndNullCheck(t *testing.T) {
	got := runPass(t, httpPattern, lookupcse, condprop, constfold, branchfold, dce, blockmerge)
	if n := strings.Count(got, "MapLookup"); n != 1 {
		t.Errorf("%d lookups left, want 1:\n%s", n, got)
	}
	if strings.Contains(got, "Ne <bool>") {
		t.Errorf("the second null check survived:\n%s", got)
	}
}

func TestLookupCSEStopsAtUpdate(t *testing.T) {
	src := `func f
  map m key=4 value=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u32> [54] v0
  v2 = MapLookup <ptr:map?> {map:m} v1
  v3 = Const <i64> [1]
  v4 = MapUpdate <i64> {map:m} [0] v1 v3
  v5 = MapLookup <ptr:map?> {map:m} v1
  v6 = Const <i64> [0]
  v7 = Eq <bool> v2 v6
  v8 = Eq <bool> v5 v6
  v9 = And <i64> v7 v8
  Ret v9
`
	if got := runPass(t, src, lookupcse); strings.Count(got, "MapLookup") != 2 {
		t.Errorf("a lookup after an update of the same map was merged:\n%s", got)
	}
}

// A merged lookup's pointer must survive every call in between; merging
// across other map operations let a loop over constant keys keep one
// pointer per key alive and run out of stack.
func TestLookupCSEStopsAtOtherCalls(t *testing.T) {
	src := `func f
  map m type=array key=4 value=4
  map n type=array key=4 value=4
b0:
  v0 = Const <i64> [5]
  v1 = MapLookup <ptr:map?> {map:m} v0
  v2 = Const <i64> [6]
  v3 = MapLookup <ptr:map?> {map:n} v2
  v4 = MapLookup <ptr:map?> {map:m} v0
  v5 = Const <i64> [0]
  v6 = Eq <bool> v1 v5
  v7 = Eq <bool> v3 v5
  v8 = Eq <bool> v4 v5
  v9 = And <i64> v6 v7
  v10 = And <i64> v9 v8
  Ret v10
`
	if got := runPass(t, src, lookupcse); strings.Count(got, "MapLookup") != 3 {
		t.Errorf("a lookup was merged across a lookup in another map:\n%s", got)
	}
}
