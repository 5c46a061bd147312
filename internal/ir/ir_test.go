package ir

import (
	"strings"
	"testing"
)

const sample = `func sample
  slot s0 size=4 align=4 name=key
  map counts key=4 value=4
b0:
  v0 = Arg <ptr:ctx>
  v1 = LoadSkbAbs <u8> [23] v0 @29
  v2 = Const <i64> [17]
  v3 = Eq <bool> v1 v2 @30
  If v3 -> b1 b2 @30
b1: <- b0
  v4 = MapLookup <ptr:map?> {map:counts} v1 @31
  v5 = Const <i64> [1]
  Plain -> b2
b2: <- b0 b1
  v6 = Phi <i64> v2 v5
  Ret v6 @32
`

func TestParsePrintRoundTrip(t *testing.T) {
	f, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(f); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := f.String(); got != sample {
		t.Errorf("round trip changed the text:\n%s\nwant:\n%s", got, sample)
	}
}

func TestVerifyCatchesBrokenSSA(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"use before def", `func f
b0:
  v1 = Add <i64> v2 v2
  v2 = Const <i64> [1]
  Ret v1
`, "before it is defined"},
		{"phi arity", `func f
b0:
  v0 = Const <i64> [1]
  Plain -> b1
b1:
  v1 = Phi <i64> v0 v0
  Ret v1
`, "phi args"},
		{"if needs bool", `func f
b0:
  v0 = Const <i64> [1]
  If v0 -> b1 b2
b1:
  Ret v0
b2:
  Ret v0
`, "bool control"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			err = Verify(f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestDominators(t *testing.T) {
	f, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	d := f.Dominators()
	b0, b1, b2 := f.Blocks[0], f.Blocks[1], f.Blocks[2]
	if d.Idom(b1) != b0 || d.Idom(b2) != b0 {
		t.Errorf("idoms: b1 %v, b2 %v; want b0 for both", d.Idom(b1), d.Idom(b2))
	}
	if !d.Dominates(b0, b2) || d.Dominates(b1, b2) {
		t.Error("dominance of b2 wrong")
	}
}
