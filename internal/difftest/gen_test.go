package difftest

import "testing"

func TestGenerateIsDeterministic(t *testing.T) {
	for seed := int64(0); seed < 50; seed++ {
		a, b := Generate(seed), Generate(seed)
		if a.Source() != b.Source() || string(a.Frame) != string(b.Frame) {
			t.Fatalf("seed %d: two programs", seed)
		}
		if Eval(a).String() != Eval(b).String() {
			t.Fatalf("seed %d: two results", seed)
		}
	}
}

func TestPrintSample(t *testing.T) {
	for seed := int64(0); seed < 3; seed++ {
		p := Generate(seed)
		t.Logf("seed %d:\n%s%s", seed, p.Source(), Eval(p))
	}
}
