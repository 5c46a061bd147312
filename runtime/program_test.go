package runtime

import "testing"

// insnIndex takes the lines of a verifier log that show an instruction,
// and only those.
func TestInsnIndex(t *testing.T) {
	for _, tc := range []struct {
		line string
		want int
		ok   bool
	}{
		{"0: (b7) r0 = 0", 0, true},
		{"12: (85) call bpf_ktime_get_ns#5", 12, true},
		{"12: R0_w=scalar() R10=fp0", 0, false},
		{"from 5 to 7: R0=map_value(map=map1,ks=4,vs=8)", 0, false},
		{"invalid mem access 'scalar'", 0, false},
		{": (b7) r0 = 0", 0, false},
		{"", 0, false},
	} {
		if got, ok := insnIndex(tc.line); got != tc.want || ok != tc.ok {
			t.Errorf("insnIndex(%q) = %d, %v; want %d, %v", tc.line, got, ok, tc.want, tc.ok)
		}
	}
}
