package kerneltest

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestRequireUnprivileged runs TestRequireChild as user nobody: Require
// skips it, or fails it under LUABPF_REQUIRE_KERNEL=1.
func TestRequireUnprivileged(t *testing.T) {
	Require(t)
	exe := copyExecutable(t)
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, RequireEnv+"=") })
	env = append(env, "KERNELTEST_REQUIRE_CHILD=1")
	for _, tc := range []struct {
		env, want string
		exit      int
	}{
		{"", "--- SKIP: TestRequireChild", 0},
		{RequireEnv + "=1", "--- FAIL: TestRequireChild", 1},
	} {
		cmd := exec.Command(exe, "-test.run=^TestRequireChild$", "-test.v")
		cmd.Env = append(slices.Clip(env), tc.env)
		cmd.Dir = "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, _ := cmd.CombinedOutput()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != tc.exit ||
			!strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "not root") {
			t.Errorf("with %q: exit %v, want %d and %q, output:\n%s", tc.env, cmd.ProcessState, tc.exit, tc.want, out)
		}
	}
}

func TestRequireChild(t *testing.T) {
	if os.Getenv("KERNELTEST_REQUIRE_CHILD") != "1" {
		return
	}
	Require(t)
	t.Error("Require let an unprivileged test run")
}

// copyExecutable copies the test binary where user nobody can run it.
func copyExecutable(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kerneltest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	exe := filepath.Join(dir, "kerneltest.test")
	dst, err := os.OpenFile(exe, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return exe
}
