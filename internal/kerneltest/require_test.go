package kerneltest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
)

// fakeTB records whether a helper skipped or failed instead of stopping
// the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                          {}
func (f *fakeTB) Skipf(format string, args ...any) { f.skipped = fmt.Sprintf(format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

// outcome returns "pass", "skip: ..." or "fail: ...".
func (f *fakeTB) outcome() string {
	switch {
	case f.failed != "":
		return "fail: " + f.failed
	case f.skipped != "":
		return "skip: " + f.skipped
	}
	return "pass"
}

// UnsupportedFeatureError looks like cilium/ebpf's internal type of that
// name, which RequireFeature recognises by name and shape.
type UnsupportedFeatureError struct {
	MinimumVersion [3]uint16
	Name           string
}

func (e *UnsupportedFeatureError) Error() string { return e.Name + " not supported" }

func (e *UnsupportedFeatureError) Is(target error) bool { return target == ebpf.ErrNotSupported }

func TestRequireFeature(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		env       string
		want      string // outcome prefix
		wantMatch string // and a substring of it
	}{
		{"nil", nil, "", "pass", ""},
		{"other error", errors.New("load program: permission denied"), "", "fail", "permission denied"},
		{"not supported, no version", fmt.Errorf("attach: %w", ebpf.ErrNotSupported), "", "skip", "lacks a feature"},
		{"not supported, no version, required", fmt.Errorf("attach: %w", ebpf.ErrNotSupported), "1", "fail", RequireEnv + "=1"},
		{"newer than kernel", fmt.Errorf("probe: %w", &UnsupportedFeatureError{MinimumVersion: [3]uint16{999, 1}, Name: "future"}), "", "skip", "future not supported"},
		{"newer than kernel, required", &UnsupportedFeatureError{MinimumVersion: [3]uint16{999}, Name: "future"}, "1", "fail", "future"},
		{"kernel new enough", errors.Join(errors.New("x"), &UnsupportedFeatureError{MinimumVersion: [3]uint16{3, 18}, Name: "old"}), "", "fail", "should support this (needs 3.18.0)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RequireEnv, tc.env)
			f := &fakeTB{TB: t}
			RequireFeature(f, tc.err)
			if got := f.outcome(); !strings.HasPrefix(got, tc.want) || !strings.Contains(got, tc.wantMatch) {
				t.Errorf("outcome %q, want %s containing %q", got, tc.want, tc.wantMatch)
			}
		})
	}
}

// cilium/ebpf's own UnsupportedFeatureError is recognised too. Lirc mode2
// programs (4.18) are configured out on some kernels; elsewhere this test
// has nothing to check.
func TestRequireFeatureCiliumError(t *testing.T) {
	Require(t)
	err := features.HaveProgramType(ebpf.LircMode2)
	if err == nil {
		t.Log("kernel supports lirc mode2 programs; no unsupported feature to check")
		return
	}
	need, ok := minimumVersion(err)
	if !ok || need != (version{4, 18, 0}) {
		t.Fatalf("minimum version of %q: %v, %v; want 4.18.0", err, need, ok)
	}
	f := &fakeTB{TB: t}
	RequireFeature(f, err)
	if got := f.outcome(); !strings.Contains(got, "should support") {
		t.Errorf("outcome %q on a kernel newer than 4.18", got)
	}
}

func TestSkipOrFail(t *testing.T) {
	for env, want := range map[string]string{"": "skip: no BPF", "0": "skip: no BPF", "1": "fail: no BPF (" + RequireEnv + "=1)"} {
		t.Setenv(RequireEnv, env)
		f := &fakeTB{TB: t}
		skipOrFail(f, "no %s", "BPF")
		if got := f.outcome(); got != want {
			t.Errorf("%s=%q: outcome %q, want %q", RequireEnv, env, got, want)
		}
	}
}

func TestParseVersion(t *testing.T) {
	tests := map[string]version{
		"6.18.44-fc-v769":   {6, 18, 44},
		"5.15.0-91-generic": {5, 15, 0},
		"6.19-rc1":          {6, 19, 0},
		"4.9":               {4, 9, 0},
	}
	for release, want := range tests {
		if got, err := parseVersion(release); err != nil || got != want {
			t.Errorf("parseVersion(%q) = %v, %v; want %v", release, got, err, want)
		}
	}
	if _, err := parseVersion("linux"); err == nil {
		t.Errorf("parseVersion(\"linux\") succeeded")
	}
}

func TestRequire(t *testing.T) {
	Require(t)
	// Require passed, so BPF works: a second call is cached and passes.
	f := &fakeTB{TB: t}
	Require(f)
	if got := f.outcome(); got != "pass" {
		t.Errorf("second Require: %s", got)
	}
}
