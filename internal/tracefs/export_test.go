package tracefs

// Internals for the tests of package tracefs_test, which cannot be in
// package tracefs because they import kerneltest, which imports tracefs.
var (
	MountAt    = mountAt
	TracingDir = tracingDir
	DebugDir   = debugDir
)

// Mounts lists the mounts of the calling thread as "fstype dir" strings.
func Mounts() ([]string, error) {
	ms, err := readMounts()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.fstype + " " + m.dir
	}
	return out, nil
}

// SetBeforePoll makes p call f each time it is about to wait in poll(2).
func SetBeforePoll(p *Pipe, f func()) { p.beforePoll = f }
