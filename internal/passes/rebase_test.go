package passes

import (
	"strings"
	"testing"
)

// A DNS name's first two labels skipped, as sock-parse-dns does: the
// position is the UDP payload's offset (v5, a masked byte: at most 15),
// plus the first label's length and one, then perhaps the second's; the
// phi in b4 merges the two. Every access adds the position to the
// packet's start v1 again.
const labelSkip = `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Load <u8> [14] v1
  v4 = Const <i64> [15]
  v5 = And <i64> v3 v4
  v6 = Add <ptr:pkt> v1 v5
  v7 = Load <u8> [0] v6
  v8 = Add <i64> v5 v7
  v9 = Const <i64> [1]
  v10 = Add <i64> v8 v9
  v11 = Add <ptr:pkt> v1 v10
  v12 = Add <ptr:pkt> v11 v9
  v13 = Gt <bool> v12 v2
  If v13 -> b1 b2
b1: <- b0 b4
  Ret v9
b2: <- b0
  v14 = Load <u8> [0] v11
  v30 = Const <i64> [0]
  v31 = Ne <bool> v14 v30
  If v31 -> b3 b4
b3: <- b2
  v15 = Add <i64> v10 v14
  Plain -> b4
b4: <- b2 b3
  v16 = Phi <i64> v10 v15
  v17 = Add <ptr:pkt> v1 v16
  v18 = Add <ptr:pkt> v17 v9
  v19 = Gt <bool> v18 v2
  If v19 -> b1 b5
b5: <- b4
  v20 = Load <u8> [0] v17
  Ret v20
`

func TestRebaseKeepsPositionsAsPointers(t *testing.T) {
	got := runPass(t, labelSkip, rebase, dce)
	want := `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v2 = PktPtr <ptr:pktend> [4] v0
  v3 = Load <u8> [14] v1
  v4 = Const <i64> [15]
  v5 = And <i64> v3 v4
  v6 = Add <ptr:pkt> v1 v5
  v7 = Load <u8> [0] v6
  v8 = Add <ptr:pkt> v6 v7
  v9 = Const <i64> [1]
  v10 = Add <ptr:pkt> v8 v9
  v12 = Add <ptr:pkt> v10 v9
  v13 = Gt <bool> v12 v2
  If v13 -> b1 b2
b1: <- b0 b4
  Ret v9
b2: <- b0
  v14 = Load <u8> [0] v10
  v30 = Const <i64> [0]
  v31 = Ne <bool> v14 v30
  If v31 -> b3 b4
b3: <- b2
  v15 = Add <ptr:pkt> v10 v14
  Plain -> b4
b4: <- b2 b3
  v16 = Phi <ptr:pkt> v10 v15
  v18 = Add <ptr:pkt> v16 v9
  v19 = Gt <bool> v18 v2
  If v19 -> b1 b5
b5: <- b4
  v20 = Load <u8> [0] v16
  Ret v20
`
	checkText(t, got, want)
}

// rebase leaves a web alone when one of these holds.
func TestRebaseLeavesAlone(t *testing.T) {
	cases := []struct {
		name string
		edit []string // pairs of old and new text
	}{
		// The program compares the position: it stays a number.
		{"compared", []string{
			"  v19 = Gt <bool> v18 v2\n", "  v21 = Const <i64> [100]\n  v22 = Gt <bool> v16 v21\n  v19 = Gt <bool> v18 v2\n  v23 = And <bool> v19 v22\n",
			"If v19 -> b1 b5", "If v23 -> b1 b5"}},
		// A 64-bit length has no bound the verifier knows: a pointer
		// plus it may be refused.
		{"unbounded", []string{"v7 = Load <u8> [0] v6", "v7 = Load <u64> [0] v6"}},
		// A signed byte may be negative.
		{"negative", []string{"v7 = Load <u8> [0] v6", "v7 = Load <i8> [0] v6"}},
		// A constant step back could leave the pointer's fixed part
		// negative, which the verifier refuses to read through.
		{"step back", []string{"v9 = Const <i64> [1]", "v9 = Const <i64> [-1]"}},
		// The positions are added to two pointers (as after a helper
		// that moves the packet).
		{"two bases", []string{
			"  v3 = Load", "  v32 = PktPtr <ptr:pkt> [0] v0\n  v3 = Load",
			"v17 = Add <ptr:pkt> v1 v16", "v17 = Add <ptr:pkt> v32 v16"}},
		// The packet's start is loaded after the first offsets are
		// added up: their pointers could not be made there.
		{"late base", []string{
			"  v11 = Add <ptr:pkt> v1 v10", "  v32 = PktPtr <ptr:pkt> [0] v0\n  v11 = Add <ptr:pkt> v32 v10",
			"v17 = Add <ptr:pkt> v1 v16", "v17 = Add <ptr:pkt> v32 v16"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := labelSkip
			for i := 0; i < len(tc.edit); i += 2 {
				if !strings.Contains(src, tc.edit[i]) {
					t.Fatalf("%q is not in the input", tc.edit[i])
				}
				src = strings.Replace(src, tc.edit[i], tc.edit[i+1], 1)
			}
			if got := runPass(t, src, rebase, dce); !strings.Contains(got, "v16 = Phi <i64>") {
				t.Errorf("rebased:\n%s", got)
			}
		})
	}
}

// A sum added to the packet once, of an offset the packet has not been
// added to yet: a pointer for the offset costs what the sum saves.
func TestRebaseOnlyWhenItPays(t *testing.T) {
	src := `func f
b0:
  v0 = Arg <ptr:ctx>
  v1 = PktPtr <ptr:pkt> [0] v0
  v3 = Load <u8> [14] v1
  v4 = Load <u8> [15] v1
  v5 = Add <i64> v3 v4
  v6 = Add <ptr:pkt> v1 v5
  v7 = Load <u8> [0] v6
  Ret v7
`
	checkText(t, runPass(t, src, rebase, dce), src)
}
