package passes

import (
	"strings"
	"testing"
)

// Two reads of one header: the second check (24 bytes) is implied by
// the first (34 bytes) on the path to it.
const twoChecks = `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Const <i64> [34]
  v4 = Add <ptr:pkt> v1 v3
  v5 = Gt <bool> v4 v2
  If v5 -> b3 b1
b1: <- b0
  v6 = Const <i64> [24]
  v7 = Add <ptr:pkt> v1 v6
  v8 = Gt <bool> v7 v2
  If v8 -> b3 b2
b2: <- b1
  v9 = Load <u8> [23] v1
  Ret v9
b3: <- b0 b1
  v10 = Const <i64> [0]
  Ret v10
`

func TestBoundselimDropsAnImpliedCheck(t *testing.T) {
	got := runPass(t, twoChecks, boundselim, branchfold, dce, blockmerge)
	if n := strings.Count(got, "Gt <bool>"); n != 1 {
		t.Errorf("%d checks left, want 1:\n%s", n, got)
	}
	if !strings.Contains(got, "Add <ptr:pkt> v1 v3") {
		t.Errorf("the wider check went:\n%s", got)
	}
}

func TestBoundselimKeepsWiderChecks(t *testing.T) {
	// 44 bytes are more than the 34 known: the check stays.
	src := strings.Replace(twoChecks, "v6 = Const <i64> [24]", "v6 = Const <i64> [44]", 1)
	got := runPass(t, src, boundselim, branchfold, dce)
	if n := strings.Count(got, "Gt <bool>"); n != 2 {
		t.Errorf("%d checks left, want 2:\n%s", n, got)
	}
}

func TestBoundselimNeedsTheSameBase(t *testing.T) {
	// A check from another pointer (the packet plus a run-time offset)
	// says nothing about this one.
	src := strings.Replace(twoChecks, `  v6 = Const <i64> [24]
  v7 = Add <ptr:pkt> v1 v6`, `  v11 = Load <u8> [14] v1
  v12 = Add <ptr:pkt> v1 v11
  v6 = Const <i64> [24]
  v7 = Add <ptr:pkt> v12 v6`, 1)
	got := runPass(t, src, boundselim, branchfold, dce)
	if n := strings.Count(got, "Gt <bool>"); n != 2 {
		t.Errorf("%d checks left, want 2:\n%s", n, got)
	}
}

func TestBoundselimOnlyOnTheCheckedSide(t *testing.T) {
	// The second check sits on the miss side of the first: nothing is
	// known there.
	src := strings.Replace(twoChecks, "If v5 -> b3 b1", "If v5 -> b1 b3", 1)
	got := runPass(t, src, boundselim, branchfold, dce)
	if n := strings.Count(got, "Gt <bool>"); n != 2 {
		t.Errorf("%d checks left, want 2:\n%s", n, got)
	}
}

func TestBoundselimSharedComparison(t *testing.T) {
	// cse merged the two comparisons into one value: the dominated
	// block gets a constant of its own, the first keeps the test.
	src := strings.Replace(twoChecks, `  v6 = Const <i64> [24]
  v7 = Add <ptr:pkt> v1 v6
  v8 = Gt <bool> v7 v2
  If v8 -> b3 b2`, `  If v5 -> b3 b2`, 1)
	got := runPass(t, src, boundselim, branchfold, dce, blockmerge)
	if n := strings.Count(got, "Gt <bool>"); n != 1 || strings.Count(got, "If ") != 1 {
		t.Errorf("want one check and one branch:\n%s", got)
	}
}
