package kerneltest

import "github.com/luabpf/luabpf/internal/tracefs"

// MountTracefs returns the directory where tracefs is mounted, mounting it
// when it is mounted nowhere; it is [tracefs.Mount], kept here for tests.
func MountTracefs() (string, error) { return tracefs.Mount() }
