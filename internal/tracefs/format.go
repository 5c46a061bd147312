package tracefs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ReadFormat returns the format file of the tracepoint called name,
// written "category/event" as in the original's bpf.tracepoint (e.g.
// "sched/sched_switch"), mounting tracefs when needed. A tracepoint this
// kernel does not have gives an [*UnknownTracepointError] naming the
// nearest ones that exist; a malformed name gives an error that says how to
// write one.
func ReadFormat(name string) ([]byte, error) {
	dir, err := Mount()
	if err != nil {
		return nil, err
	}
	return readFormat(dir, name)
}

func readFormat(dir, name string) ([]byte, error) {
	category, event, err := splitName(name)
	if err != nil {
		return nil, err
	}
	data, err := readFile(filepath.Join(dir, "events", category, event, "format"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, unknownTracepoint(dir, name)
	}
	if errors.Is(err, os.ErrPermission) {
		// tracefs is root's alone (mode 0700) unless remounted.
		return nil, fmt.Errorf("reading the format of tracepoint '%s' needs root, or CAP_DAC_READ_SEARCH besides CAP_BPF and CAP_PERFMON (tracefs: %w)", name, errors.Unwrap(err))
	}
	if err != nil {
		return nil, fmt.Errorf("read format of tracepoint '%s': %w", name, err)
	}
	return data, nil
}

// splitName splits "category/event" and rejects anything that could name
// a file outside events/CATEGORY/EVENT.
func splitName(name string) (category, event string, err error) {
	category, event, ok := strings.Cut(name, "/")
	if !ok || category == "" || event == "" || strings.Contains(event, "/") ||
		strings.ContainsRune(name, 0) || category == "." || category == ".." || event == "." || event == ".." {
		return "", "", &BadNameError{Name: name}
	}
	return category, event, nil
}

// BadNameError reports a tracepoint name not written "category/event".
type BadNameError struct {
	Name string
}

// Error says how to write the name.
func (e *BadNameError) Error() string {
	hint := "e.g. 'sched/sched_switch'"
	if c, ev, ok := strings.Cut(e.Name, ":"); ok && c != "" && ev != "" && !strings.ContainsAny(ev, ":/") {
		hint = "write '" + c + "/" + ev + "'"
	}
	return fmt.Sprintf("tracepoint name '%s' must be 'category/event', %s", e.Name, hint)
}
