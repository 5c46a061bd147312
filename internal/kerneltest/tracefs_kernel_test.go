package kerneltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestMountTracefsMounted(t *testing.T) {
	Require(t)
	first, err := MountTracefs()
	if err != nil {
		t.Fatal(err)
	}
	mounts, err := readMounts()
	if err != nil {
		t.Fatal(err)
	}
	second, err := MountTracefs()
	if err != nil || second != first {
		t.Fatalf("second call: %q, %v; first gave %q", second, err, first)
	}
	again, err := readMounts()
	if err != nil || !slices.Equal(mounts, again) {
		t.Errorf("second call changed the mounts (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(first, "uprobe_events")); err != nil {
		t.Errorf("no uprobe_events in tracefs: %v", err)
	}
}

// TestMountTracefsFresh runs TestMountTracefsChild in a mount namespace of
// its own, where that test unmounts tracefs and debugfs and mounts them
// again through MountTracefs.
func TestMountTracefsFresh(t *testing.T) {
	Require(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMountTracefsChild$", "-test.v")
	cmd.Env = append(os.Environ(), "KERNELTEST_MOUNT_CHILD=1")
	// The child's mounts stay private to it: Go makes "/" MS_PRIVATE after
	// unsharing the mount namespace.
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestMountTracefsChild") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestMountTracefsChild(t *testing.T) {
	if os.Getenv("KERNELTEST_MOUNT_CHILD") != "1" {
		return
	}
	unmountTracing(t)
	dir, err := MountTracefs()
	if err != nil || dir != tracingDir {
		t.Fatalf("MountTracefs() = %q, %v; want %q", dir, err, tracingDir)
	}
	checkTracefs(t, dir)
	if again, err := MountTracefs(); err != nil || again != dir {
		t.Errorf("second call: %q, %v", again, err)
	}
	if n := countMounts(t, "tracefs"); n != 1 {
		t.Errorf("%d tracefs mounts after two calls, want 1", n)
	}

	// Where /sys/kernel/tracing cannot take a mount, tracefs comes
	// through debugfs.
	unmountTracing(t)
	dir, err = mountTracefs(filepath.Join(t.TempDir(), "missing"), debugDir)
	if want := filepath.Join(debugDir, "tracing"); err != nil || dir != want {
		t.Fatalf("mountTracefs with debugfs fallback = %q, %v; want %q", dir, err, want)
	}
	checkTracefs(t, dir)
	if found, err := findTracefs(); err != nil || found != dir {
		t.Errorf("findTracefs() = %q, %v; want %q", found, err, dir)
	}
}

// unmountTracing detaches every tracefs and debugfs mount, innermost
// first.
func unmountTracing(t *testing.T) {
	t.Helper()
	mounts, err := readMounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range slices.Backward(mounts) {
		if m.fstype == "tracefs" || m.fstype == "debugfs" {
			if err := unix.Unmount(m.dir, unix.MNT_DETACH); err != nil {
				t.Fatalf("unmount %s: %v", m.dir, err)
			}
		}
	}
	if dir, err := findTracefs(); err != nil || dir != "" {
		t.Fatalf("tracefs still found at %q (%v)", dir, err)
	}
}

func checkTracefs(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.ReadFile(filepath.Join(dir, "uprobe_events")); err != nil {
		t.Errorf("read uprobe_events: %v", err)
	}
}

func countMounts(t *testing.T, fstype string) int {
	t.Helper()
	mounts, err := readMounts()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range mounts {
		if m.fstype == fstype {
			n++
		}
	}
	return n
}
