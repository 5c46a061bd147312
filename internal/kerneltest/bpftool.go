package kerneltest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// bpffsDir is where the BPF filesystem is conventionally mounted.
const bpffsDir = "/sys/fs/bpf"

var (
	bpftoolOnce sync.Once
	bpftoolPath string
	bpftoolErr  error
)

// Bpftool returns the path of bpftool. When it is not installed, Bpftool
// installs Debian's bpftool package with apt-get (CI runs the tests as root
// on a fresh Debian machine), holding a lock file so that test processes
// of several packages do not run apt-get at once. A test that needs
// bpftool fails, never skips, when it cannot be had: checks of what
// bpftool prints must not pass by being left out.
func Bpftool(tb testing.TB) string {
	tb.Helper()
	bpftoolOnce.Do(func() { bpftoolPath, bpftoolErr = findOrInstallBpftool() })
	if bpftoolErr != nil {
		tb.Fatalf("bpftool is needed for this test and could not be installed: %v\n"+
			"install it with: apt-get install bpftool", bpftoolErr)
	}
	return bpftoolPath
}

func findBpftool() (string, error) {
	if p, err := exec.LookPath("bpftool"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/bpftool", "/sbin/bpftool", "/usr/local/sbin/bpftool"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("bpftool not found in PATH or /usr/sbin")
}

func findOrInstallBpftool() (string, error) {
	if p, err := findBpftool(); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("not installed, and installing it needs root")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", errors.New("not installed, and there is no apt-get to install it")
	}
	unlock, err := lockFile(filepath.Join(os.TempDir(), "luabpf-bpftool-install.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if p, err := findBpftool(); err == nil {
		return p, nil // another process installed it while we waited
	}
	install := func() error { return aptGet("install", "-y", "--no-install-recommends", "bpftool") }
	if err := install(); err != nil {
		// A fresh machine may have no package lists yet.
		if uerr := aptGet("update"); uerr != nil {
			return "", errors.Join(err, uerr)
		}
		if err := install(); err != nil {
			return "", err
		}
	}
	return findBpftool()
}

func aptGet(args ...string) error {
	args = append([]string{"-o", "DPkg::Lock::Timeout=300", "-q"}, args...)
	cmd := exec.Command("apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("apt-get %s: %w\n%s", strings.Join(args, " "), err, lastLines(string(out), 10))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// lockFile takes an exclusive lock on path, waiting for it, and returns
// the function that releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// RunBpftool runs bpftool with args and returns its standard output; it
// fails the test when bpftool fails, showing what it printed.
func RunBpftool(tb testing.TB, args ...string) string {
	tb.Helper()
	cmd := exec.Command(Bpftool(tb), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("bpftool %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// PinDir returns a new directory in the BPF filesystem for the test to
// pin objects in, mounting bpffs at /sys/fs/bpf first if it is not
// mounted there. The directory and everything pinned in it are removed
// when the test ends.
func PinDir(tb testing.TB) string {
	tb.Helper()
	if err := mountBPFFS(); err != nil {
		tb.Fatalf("%v", err)
	}
	dir, err := os.MkdirTemp(bpffsDir, "luabpf-test-")
	if err != nil {
		tb.Fatalf("make a directory in bpffs: %v", err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Errorf("remove pins: %v", err)
		}
	})
	return dir
}

var bpffsMu sync.Mutex

// mountBPFFS mounts the BPF filesystem at /sys/fs/bpf unless it is
// mounted there.
func mountBPFFS() error {
	bpffsMu.Lock()
	defer bpffsMu.Unlock()
	var st unix.Statfs_t
	if err := unix.Statfs(bpffsDir, &st); err != nil {
		return fmt.Errorf("statfs %s: %w", bpffsDir, err)
	}
	if st.Type == unix.BPF_FS_MAGIC {
		return nil
	}
	if err := unix.Mount("bpffs", bpffsDir, "bpf", 0, "mode=0700"); err != nil {
		return fmt.Errorf("mount bpffs at %s: %w", bpffsDir, err)
	}
	return nil
}
