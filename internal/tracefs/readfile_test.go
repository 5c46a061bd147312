package tracefs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readFile reads what os.ReadFile reads, files larger than its buffer
// included, and fails as it does.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 10000} {
		p := filepath.Join(dir, "f")
		want := []byte(strings.Repeat("x", size))
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readFile(p)
		if err != nil || string(got) != string(want) {
			t.Errorf("%d bytes: got %d bytes, %v", size, len(got), err)
		}
	}
	_, err := readFile(filepath.Join(dir, "missing"))
	var pe *os.PathError
	if !errors.Is(err, os.ErrNotExist) || !errors.As(err, &pe) || pe.Op != "open" {
		t.Errorf("missing file: %v, want an open *os.PathError that is os.ErrNotExist", err)
	}
	if _, err := readFile(dir); err == nil {
		t.Error("reading a directory gave no error")
	}
}
