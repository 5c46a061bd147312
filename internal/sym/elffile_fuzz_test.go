package sym

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzELFSymbols feeds arbitrary files to what reads ELF symbols: the
// uprobe resolver (a function by name, C++ names included, and a code
// address) and the address-to-symbol lookup of stack traces. Neither may
// panic; errors must name the file; what they find must be consistent.
// The seed corpus (testdata/fuzz/FuzzELFSymbols) holds a small shared
// library and executable built from testdata/elf.
func FuzzELFSymbols(f *testing.F) {
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, name string, addr uint64) {
		path := filepath.Join(dir, "f.elf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if fs, err := loadFileSyms(path); err == nil {
			if sym, off, ok := fs.lookup(addr); ok && (sym == "" || off > addr) {
				t.Fatalf("lookup(0x%x) = %q+0x%x", addr, sym, off)
			}
			fs.vaddr(addr)
		} else if !strings.Contains(err.Error(), path) {
			t.Fatalf("error %q does not name the file", err)
		}
		for _, s := range []UprobeSpec{{File: path, Symbol: name}, {File: path, Symbol: name, Offset: addr % 64}, {File: path, Address: addr}} {
			if s.Symbol == "" && s.Address == 0 {
				continue
			}
			tgt, err := resolveIn(path, s)
			if err != nil {
				if !strings.Contains(err.Error(), path) && !strings.Contains(err.Error(), "offset") {
					t.Fatalf("resolveIn(%+v): error %q names neither the file nor the offset", s, err)
				}
				continue
			}
			if (tgt.Symbol == "") == (tgt.Address == 0) || tgt.Path != path {
				t.Fatalf("resolveIn(%+v) = %+v: want a symbol or an address", s, tgt)
			}
		}
	})
}
