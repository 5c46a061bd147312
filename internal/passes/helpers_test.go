package passes

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/ir"
)

// runPass parses src, runs the named passes, verifies the result and
// returns its text.
func runPass(t *testing.T, src string, fns ...func(*ir.Func)) string {
	t.Helper()
	f, err := ir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := ir.Verify(f); err != nil {
		t.Fatalf("input does not verify: %v", err)
	}
	for _, fn := range fns {
		fn(f)
		if err := ir.Verify(f); err != nil {
			t.Fatalf("after pass: %v\n%s", err, f)
		}
	}
	return f.String()
}

// runPipeline parses src, runs the pipeline with cfg and returns the
// result's text.
func runPipeline(t *testing.T, src string, cfg *Config) string {
	t.Helper()
	f, err := ir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(f, cfg); err != nil {
		t.Fatal(err)
	}
	return f.String()
}

// checkText compares IR text, ignoring leading and trailing space per line.
func checkText(t *testing.T, got, want string) {
	t.Helper()
	norm := func(s string) string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			out = append(out, strings.TrimSpace(l))
		}
		return strings.Join(out, "\n")
	}
	if norm(got) != norm(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
