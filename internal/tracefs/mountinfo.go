package tracefs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

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
