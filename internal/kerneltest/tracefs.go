package kerneltest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Where tracefs lives: its own mount point since Linux 4.1, and the
// tracing directory of debugfs (which automounts tracefs there) before.
const (
	tracingDir = "/sys/kernel/tracing"
	debugDir   = "/sys/kernel/debug"
)

var tracefsMu sync.Mutex

// MountTracefs returns the directory where tracefs is mounted. When it is
// mounted nowhere, MountTracefs mounts it at /sys/kernel/tracing or, when
// that fails, mounts debugfs at /sys/kernel/debug (unless it is mounted) and
// returns /sys/kernel/debug/tracing. Mounting needs root (CAP_SYS_ADMIN).
//
// It is idempotent and safe for concurrent use. Two processes mounting at
// the same moment may stack two tracefs mounts on one directory, which is
// harmless: both show the same kernel state.
func MountTracefs() (string, error) {
	tracefsMu.Lock()
	defer tracefsMu.Unlock()
	return mountTracefs(tracingDir, debugDir)
}

func mountTracefs(tracing, debug string) (string, error) {
	if dir, err := findTracefs(); err != nil || dir != "" {
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

// findTracefs returns where tracefs is mounted, or "" when nowhere: the
// canonical /sys/kernel/tracing if mounted there, else any tracefs mount,
// else the tracing directory of a mounted debugfs.
func findTracefs() (string, error) {
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

// A mount is one line of mountinfo.
type mount struct {
	dir, fstype string
}

type mounts []mount

func (ms mounts) has(fstype, dir string) bool {
	for _, m := range ms {
		if m.fstype == fstype && m.dir == dir {
			return true
		}
	}
	return false
}

// readMounts lists the mounts seen by the calling thread, which may differ
// from the main thread's after unshare(CLONE_NEWNS) on a locked thread.
func readMounts() (mounts, error) {
	f, err := os.Open("/proc/thread-self/mountinfo")
	if errors.Is(err, os.ErrNotExist) { // before Linux 3.17
		f, err = os.Open("/proc/self/mountinfo")
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms mounts
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw
		// Optional fields end at "-"; the filesystem type follows it.
		fields := strings.Fields(sc.Text())
		for i := 6; i+1 < len(fields) && len(fields) > 4; i++ {
			if fields[i] == "-" {
				ms = append(ms, mount{dir: unescapeOctal(fields[4]), fstype: fields[i+1]})
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return ms, nil
}

// unescapeOctal undoes mountinfo's escapes of space, tab, newline and
// backslash as \ooo.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
