package sym

import (
	"debug/elf"
	"errors"
	"fmt"
	"slices"
)

// fileSyms is what address lookups need of one ELF file: its function and
// object symbols by address, and its loadable segments.
type fileSyms struct {
	syms  []usym // sorted by value; the preferred name first among equal values
	loads []segment
}

type usym struct {
	value, size uint64
	name        string
	global      bool
}

// segment is a PT_LOAD program header.
type segment struct {
	off, vaddr, filesz uint64
}

// symbolTables returns the symbols of .symtab and .dynsym, either of which
// may be missing (stripped files keep only .dynsym).
func symbolTables(f *elf.File) ([]elf.Symbol, error) {
	syms, err := f.Symbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, err
	}
	dyn, err := f.DynamicSymbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, err
	}
	return append(syms, dyn...), nil
}

// isCode reports whether s is a defined function (or GNU indirect
// function) or object: what an address can be inside of.
func isCode(s elf.Symbol) bool {
	switch elf.ST_TYPE(s.Info) {
	case elf.STT_FUNC, elf.STT_GNU_IFUNC, elf.STT_OBJECT:
		return s.Section != elf.SHN_UNDEF && s.Value != 0 && s.Name != ""
	}
	return false
}

// loadFileSyms reads the symbols and segments of the ELF file at path.
func loadFileSyms(path string) (*fileSyms, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read symbols of %s: %w", path, err)
	}
	defer f.Close()
	all, err := symbolTables(f)
	if err != nil {
		return nil, fmt.Errorf("read symbols of %s: %w", path, err)
	}
	fs := &fileSyms{}
	for _, s := range all {
		if isCode(s) {
			fs.syms = append(fs.syms, usym{value: s.Value, size: s.Size, name: s.Name, global: elf.ST_BIND(s.Info) != elf.STB_LOCAL})
		}
	}
	slices.SortFunc(fs.syms, func(a, b usym) int {
		if a.value != b.value {
			return cmpUint(a.value, b.value)
		}
		return betterName(a.name, a.global, b.name, b.global)
	})
	fs.syms = slices.CompactFunc(fs.syms, func(a, b usym) bool { return a == b }) // .symtab and .dynsym repeat symbols
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			fs.loads = append(fs.loads, segment{off: p.Off, vaddr: p.Vaddr, filesz: p.Filesz})
		}
	}
	return fs, nil
}

// vaddr converts a file offset to the virtual address the file's own
// layout gives it.
func (fs *fileSyms) vaddr(off uint64) (uint64, bool) {
	for _, s := range fs.loads {
		if s.off <= off && off < s.off+s.filesz {
			return off - s.off + s.vaddr, true
		}
	}
	return 0, false
}

// lookup returns the symbol covering the virtual address v and v's offset
// in it. A symbol without a size covers up to the next symbol.
func (fs *fileSyms) lookup(v uint64) (string, uint64, bool) {
	i, found := slices.BinarySearchFunc(fs.syms, v, func(s usym, a uint64) int { return cmpUint(s.value, a) })
	if !found {
		i-- // the last symbol below v
	}
	// A large symbol (a function with local labels as symbols inside)
	// may start before smaller ones that end below v.
	for j := i; j >= 0 && j > i-8; j-- {
		s := fs.syms[j]
		if v-s.value < s.size || (s.size == 0 && j == i) {
			for j > 0 && fs.syms[j-1].value == s.value {
				j-- // the preferred name of that address
			}
			return fs.syms[j].name, v - fs.syms[j].value, true
		}
	}
	return "", 0, false
}
