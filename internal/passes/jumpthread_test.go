package passes

import (
	"strings"
	"testing"
)

// A direct packet read as irgen lowers `if pkt.ip.proto == 17`: the
// bounds check goes to b2 (the read gives 0) or b1 (the load); b3 merges
// the two and tests the value.
const checkedRead = `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Const <i64> [34]
  v4 = Add <ptr:pkt> v1 v3
  v5 = Gt <bool> v4 v2
  If v5 -> b2 b1
b1: <- b0
  v6 = Load <u8> [23] v1
  Plain -> b3
b2: <- b0
  v7 = Const <i64> [0]
  Plain -> b3
b3: <- b1 b2
  v8 = Phi <u8> v6 v7
  v9 = Const <i64> [17]
  v10 = Eq <bool> v8 v9
  If v10 -> b4 b5
b4: <- b3
  v11 = Const <i64> [1]
  Ret v11
b5: <- b3
  v12 = Const <i64> [2]
  Ret v12
`

func TestJumpthreadSendsTheMissToTheFalseSide(t *testing.T) {
	checkText(t, runPass(t, checkedRead, jumpthread), `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Const <i64> [34]
  v4 = Add <ptr:pkt> v1 v3
  v5 = Gt <bool> v4 v2
  If v5 -> b2 b1
b1: <- b0
  v6 = Load <u8> [23] v1
  Plain -> b3
b2: <- b0
  v7 = Const <i64> [0]
  Plain -> b5
b3: <- b1
  v8 = Phi <u8> v6
  v9 = Const <i64> [17]
  v10 = Eq <bool> v8 v9
  If v10 -> b4 b5
b4: <- b3
  v11 = Const <i64> [1]
  Ret v11
b5: <- b3 b2
  v12 = Const <i64> [2]
  Ret v12
`)
}

func TestJumpthreadEvaluatesThroughArithmetic(t *testing.T) {
	// ntoh(x) ~= 0x35: a swap, then a test that 0 passes.
	src := strings.Replace(checkedRead, `  v9 = Const <i64> [17]
  v10 = Eq <bool> v8 v9`, `  v13 = Bswap16 <u16> v8
  v9 = Const <i64> [53]
  v10 = Ne <bool> v13 v9`, 1)
	got := runPass(t, src, jumpthread)
	if !strings.Contains(got, "b2: <- b0\n  v7 = Const <i64> [0]\n  Plain -> b4") {
		t.Errorf("the miss does not go to the true side:\n%s", got)
	}
}

func TestJumpthreadKeepsBlocksWhoseValuesLiveOn(t *testing.T) {
	// The merged value is returned after the test: skipping b3 would
	// leave it undefined on the threaded edge.
	src := strings.Replace(checkedRead, `b5: <- b3
  v12 = Const <i64> [2]
  Ret v12`, `b5: <- b3
  Ret v8`, 1)
	got := runPass(t, src, jumpthread)
	if !strings.Contains(got, "b3: <- b1 b2") {
		t.Errorf("b3 lost a predecessor:\n%s", got)
	}
}

func TestJumpthreadGivesPhisTheirValues(t *testing.T) {
	// b3's phi also flows into b5's: it stays right on b3's edges.
	src := threadPhis
	got := runPass(t, src, jumpthread)
	if !strings.Contains(got, "b4: <- b3 b1") || !strings.Contains(got, "b3: <- b2") {
		t.Errorf("b1 should jump to b4:\n%s", got)
	}
}

const threadPhis = `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = Load <u32> [0] v0
  v2 = Const <i64> [0]
  v3 = Eq <bool> v1 v2
  If v3 -> b1 b2
b1: <- b0
  v4 = Const <i64> [5]
  Plain -> b3
b2: <- b0
  v5 = Load <u32> [4] v0
  Plain -> b3
b3: <- b1 b2
  v6 = Phi <i64> v4 v5
  v7 = Const <i64> [5]
  v8 = Eq <bool> v6 v7
  If v8 -> b4 b5
b4: <- b3
  v9 = Const <i64> [7]
  Plain -> b5
b5: <- b3 b4
  v10 = Phi <i64> v6 v9
  Ret v10
`

func TestJumpthreadToAPhiOfTheBlock(t *testing.T) {
	// The false side merges the tested value: the threaded edge brings
	// the argument it had (5) to the phi.
	src := strings.Replace(threadPhis, "v7 = Const <i64> [5]", "v7 = Const <i64> [6]", 1)
	got := runPass(t, src, jumpthread)
	if !strings.Contains(got, "b5: <- b3 b4 b1") || !strings.Contains(got, "Phi <i64> v6 v9 v4") {
		t.Errorf("b1 should jump to b5 bringing v4:\n%s", got)
	}
}
