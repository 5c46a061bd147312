package kerneltest

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"
)

// RequireEnv is the environment variable that turns skips for a missing
// kernel, privilege or feature into failures when set to "1".
const RequireEnv = "LUABPF_REQUIRE_KERNEL"

var (
	probeOnce sync.Once
	probeErr  error
)

// Require skips the test unless it runs as root on a kernel that lets it
// create BPF maps; with LUABPF_REQUIRE_KERNEL=1 it fails the test instead.
// The first call removes the memlock limit, which kernels before 5.11
// charge BPF memory to.
func Require(tb testing.TB) {
	tb.Helper()
	probeOnce.Do(func() { probeErr = probeBPF() })
	if probeErr != nil {
		skipOrFail(tb, "kernel test needs root and BPF: %v", probeErr)
	}
}

// probeBPF reports why this process cannot use BPF, or nil.
func probeBPF() error {
	if euid := os.Geteuid(); euid != 0 {
		return fmt.Errorf("running as uid %d, not root", euid)
	}
	if err := rlimit.RemoveMemlock(); err != nil {
		return fmt.Errorf("remove memlock limit: %w", err)
	}
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	if err != nil {
		return fmt.Errorf("create BPF array map: %w", err)
	}
	return m.Close()
}

// RequireFeature checks err, the result of loading or probing a kernel
// feature (e.g. from ebpf.NewProgram or a features.Have* function):
//   - nil: the test goes on.
//   - not ebpf.ErrNotSupported: the test fails, as for any other error.
//   - ebpf.ErrNotSupported while the kernel is at least the version that
//     cilium/ebpf names for the feature: the test fails, since the kernel
//     should have it (it may be configured out, which is worth knowing).
//   - otherwise the kernel lacks the feature: the test skips, or fails
//     under LUABPF_REQUIRE_KERNEL=1.
func RequireFeature(tb testing.TB, err error) {
	tb.Helper()
	switch {
	case err == nil:
		return
	case !errors.Is(err, ebpf.ErrNotSupported):
		tb.Fatalf("%v", err)
		return
	}
	kernel, kerr := kernelVersion()
	if need, ok := minimumVersion(err); ok && kerr == nil && !kernel.less(need) {
		tb.Fatalf("kernel %v should support this (needs %v): %v", kernel, need, err)
		return
	}
	skipOrFail(tb, "kernel %v lacks a feature: %v", kernel, err)
}

// skipOrFail skips the test, or fails it under LUABPF_REQUIRE_KERNEL=1.
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf(format+" ("+RequireEnv+"=1)", args...)
		return
	}
	tb.Skipf(format, args...)
}

// version is a kernel version: major, minor, patch.
type version [3]uint64

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

// kernelVersion parses the running kernel's release, e.g. "6.18.44-fc".
func kernelVersion() (version, error) {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return version{}, fmt.Errorf("uname: %w", err)
	}
	return parseVersion(unix.ByteSliceToString(uts.Release[:]))
}

func parseVersion(release string) (version, error) {
	var v version
	rest := release
	for i := range v {
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(rest)
		}
		n, err := strconv.ParseUint(rest[:end], 10, 16)
		if err != nil {
			if i >= 2 {
				break // "6.18-rc1": patch level 0
			}
			return version{}, fmt.Errorf("parse kernel release %q", release)
		}
		v[i] = n
		if rest = rest[end:]; !strings.HasPrefix(rest, ".") {
			break
		}
		rest = rest[1:]
	}
	return v, nil
}

// minimumVersion finds the kernel version cilium/ebpf says a feature needs
// in err's chain. cilium/ebpf keeps its UnsupportedFeatureError internal,
// so it is recognised by name and its MinimumVersion field by reflection.
func minimumVersion(err error) (version, bool) {
	for _, e := range errorChain(err) {
		v := reflect.ValueOf(e)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct ||
			v.Elem().Type().Name() != "UnsupportedFeatureError" {
			continue
		}
		f := v.Elem().FieldByName("MinimumVersion")
		if f.Kind() != reflect.Array || f.Len() != 3 || f.Type().Elem().Kind() != reflect.Uint16 {
			continue
		}
		var need version
		for i := range need {
			need[i] = f.Index(i).Uint()
		}
		if need == (version{}) {
			continue // no version known
		}
		return need, true
	}
	return version{}, false
}

// errorChain lists err and everything it wraps, depth first.
func errorChain(err error) []error {
	if err == nil {
		return nil
	}
	chain := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		chain = append(chain, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			chain = append(chain, errorChain(e)...)
		}
	}
	return chain
}
