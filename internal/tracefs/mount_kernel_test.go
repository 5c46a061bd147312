package tracefs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/tracefs"
	"golang.org/x/sys/unix"
)

func TestMountMounted(t *testing.T) {
	kerneltest.Require(t)
	first, err := tracefs.Mount()
	if err != nil {
		t.Fatal(err)
	}
	mounts, err := tracefs.Mounts()
	if err != nil {
		t.Fatal(err)
	}
	second, err := tracefs.Mount()
	if err != nil || second != first {
		t.Fatalf("second call: %q, %v; first gave %q", second, err, first)
	}
	again, err := tracefs.Mounts()
	if err != nil || !slices.Equal(mounts, again) {
		t.Errorf("second call changed the mounts (%v)", err)
	}
	if found, err := tracefs.Find(); err != nil || found != first {
		t.Errorf("Find() = %q, %v; Mount gave %q", found, err, first)
	}
	if _, err := os.Stat(filepath.Join(first, "uprobe_events")); err != nil {
		t.Errorf("no uprobe_events in tracefs: %v", err)
	}
}

// TestMountFresh runs TestMountChild in a mount namespace of its own,
// where that test unmounts tracefs and debugfs and mounts them again
// through Mount.
func TestMountFresh(t *testing.T) {
	kerneltest.Require(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMountChild$", "-test.v")
	cmd.Env = append(os.Environ(), "TRACEFS_MOUNT_CHILD=1")
	// The child's mounts stay private to it: Go makes "/" MS_PRIVATE after
	// unsharing the mount namespace.
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestMountChild") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestMountChild(t *testing.T) {
	if os.Getenv("TRACEFS_MOUNT_CHILD") != "1" {
		return
	}
	unmountTracing(t)
	dir, err := tracefs.Mount()
	if err != nil || dir != tracefs.TracingDir {
		t.Fatalf("Mount() = %q, %v; want %q", dir, err, tracefs.TracingDir)
	}
	checkTracefs(t, dir)
	if again, err := tracefs.Mount(); err != nil || again != dir {
		t.Errorf("second call: %q, %v", again, err)
	}
	if n := countMounts(t, "tracefs"); n != 1 {
		t.Errorf("%d tracefs mounts after two calls, want 1", n)
	}

	// Where /sys/kernel/tracing cannot take a mount, tracefs comes
	// through debugfs.
	unmountTracing(t)
	dir, err = tracefs.MountAt(filepath.Join(t.TempDir(), "missing"), tracefs.DebugDir)
	if want := filepath.Join(tracefs.DebugDir, "tracing"); err != nil || dir != want {
		t.Fatalf("mountAt with debugfs fallback = %q, %v; want %q", dir, err, want)
	}
	checkTracefs(t, dir)
	if found, err := tracefs.Find(); err != nil || found != dir {
		t.Errorf("Find() = %q, %v; want %q", found, err, dir)
	}
}

// unmountTracing detaches every tracefs and debugfs mount, innermost
// first.
func unmountTracing(t *testing.T) {
	t.Helper()
	mounts, err := tracefs.Mounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range slices.Backward(mounts) {
		fstype, dir, _ := strings.Cut(m, " ")
		if fstype == "tracefs" || fstype == "debugfs" {
			if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
				t.Fatalf("unmount %s: %v", dir, err)
			}
		}
	}
	if dir, err := tracefs.Find(); err != nil || dir != "" {
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
	mounts, err := tracefs.Mounts()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range mounts {
		if strings.HasPrefix(m, fstype+" ") {
			n++
		}
	}
	return n
}
