package tracefs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// Where tracefs lives: its own mount point since Linux 4.1, and the
// tracing directory of debugfs (which automounts tracefs there) before.
const (
	tracingDir = "/sys/kernel/tracing"
	debugDir   = "/sys/kernel/debug"
)

var mountMu sync.Mutex

// Mount returns the directory where tracefs is mounted. When it is mounted
// nowhere, Mount mounts it at /sys/kernel/tracing or, when that fails,
// mounts debugfs at /sys/kernel/debug (unless it is mounted) and returns
// /sys/kernel/debug/tracing. Mounting needs root (CAP_SYS_ADMIN).
//
// It is idempotent and safe for concurrent use. Two processes mounting at
// the same moment may stack two tracefs mounts on one directory, which is
// harmless: both show the same kernel state.
func Mount() (string, error) {
	mountMu.Lock()
	defer mountMu.Unlock()
	dir, err := mountAt(tracingDir, debugDir)
	if err != nil {
		return "", fmt.Errorf("tracefs is not mounted and mounting it failed (luabpf needs root for tracing; or run 'mount -t tracefs nodev %s' first): %w", tracingDir, err)
	}
	return dir, nil
}

// Find returns where tracefs is mounted, or "" when nowhere: the canonical
// /sys/kernel/tracing if mounted there, else any tracefs mount, else the
// tracing directory of a mounted debugfs. It mounts nothing.
func Find() (string, error) {
	// The usual case costs one statfs: reading and parsing mountinfo
	// takes a few hundred microseconds, a noticeable part of a short
	// run's start-up.
	if isTracefs(tracingDir) {
		return tracingDir, nil
	}
	mounts, err := readMounts()
	if err != nil {
		return "", err
	}
	if mounts.has("tracefs", tracingDir) {
		return tracingDir, nil
	}
	for _, m := range mounts {
		if m.fstype == "tracefs" {
			return m.dir, nil
		}
	}
	for _, m := range mounts {
		if m.fstype != "debugfs" {
			continue
		}
		dir := filepath.Join(m.dir, "tracing")
		if _, err := os.Stat(filepath.Join(dir, "events")); err == nil {
			return dir, nil
		}
	}
	return "", nil
}

// mountAt is Mount with the two mount points as parameters, so that tests
// can make the first one fail.
func mountAt(tracing, debug string) (string, error) {
	if dir, err := Find(); err != nil || dir != "" {
		return dir, err
	}
	err := unix.Mount("tracefs", tracing, "tracefs", 0, "")
	if err == nil {
		return tracing, nil
	}
	tracefsErr := fmt.Errorf("mount tracefs at %s: %w", tracing, err)
	mounts, err := readMounts()
	if err != nil {
		return "", err
	}
	if !mounts.has("debugfs", debug) {
		if err := unix.Mount("debugfs", debug, "debugfs", 0, ""); err != nil {
			return "", errors.Join(tracefsErr, fmt.Errorf("mount debugfs at %s: %w", debug, err))
		}
	}
	dir := filepath.Join(debug, "tracing")
	// Looking inside triggers the automount of tracefs on the directory.
	if _, err := os.Stat(filepath.Join(dir, "events")); err != nil {
		return "", errors.Join(tracefsErr, fmt.Errorf("no tracefs under debugfs: %w", err))
	}
	return dir, nil
}

// isTracefs reports whether a tracefs is mounted at dir, as the calling
// thread sees it (as readMounts does).
func isTracefs(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && st.Type == unix.TRACEFS_MAGIC
}
