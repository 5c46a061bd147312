package sym

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
)

// Object is a file opened for the lookups of the original toolkit's
// bpf.elf module: its load address and the addresses of its symbols. A
// file that exists but is not ELF (a directory, a script) opens; its
// lookups find nothing, as the original's do.
type Object struct {
	path    string
	load    uint64
	hasLoad bool // the file is ELF and has a loadable segment
	syms    []elf.Symbol
	libs    []string // DT_NEEDED, in order
}

// OpenObject opens the file at path. It fails only when there is no such
// file or it cannot be read.
func OpenObject(path string) (*Object, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	o := &Object{path: path}
	f, err := elf.Open(path)
	if err != nil {
		return o, nil
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			o.load, o.hasLoad = p.Vaddr, true
			break
		}
	}
	if o.syms, err = symbolTables(f); err != nil {
		return nil, fmt.Errorf("read symbols of %s: %w", path, err)
	}
	o.libs, _ = f.ImportedLibraries()
	return o, nil
}

// LoadAddress returns the virtual address of the first loadable segment
// (0 for most shared libraries and position-independent executables);
// ok is false when the file is not ELF or has no loadable segment.
func (o *Object) LoadAddress() (addr uint64, ok bool) {
	return o.load, o.hasLoad
}

// Resolve returns the address (the symbol's value) of the symbol name
// defines and the path of the file that defines it: the object itself,
// or when it only imports name, the first of the libraries it needs that
// defines it, found as the dynamic loader would. C++ functions match by
// their demangled names too. ok is false when no file defines name.
func (o *Object) Resolve(name string) (addr uint64, file string, ok bool) {
	if addr, file, ok := o.ResolveMatch(func(sym string) bool { return sym == name }); ok {
		return addr, file, true
	}
	return o.ResolveMatch(func(sym string) bool { return cxxMatches(sym, name) })
}

// ResolveMatch is Resolve for the first defined symbol whose name match
// accepts.
func (o *Object) ResolveMatch(match func(name string) bool) (addr uint64, file string, ok bool) {
	if s, ok := definedSymbol(o.syms, match); ok {
		return s.Value, o.path, true
	}
	ls := hostLibSearch()
	for _, lib := range o.libs {
		path, _ := ls.find(lib)
		if path == "" || filepath.Clean(path) == filepath.Clean(o.path) {
			continue
		}
		l, err := OpenObject(path)
		if err != nil {
			continue
		}
		if s, ok := definedSymbol(l.syms, match); ok {
			return s.Value, path, true
		}
	}
	return 0, "", false
}

// definedSymbol finds the first symbol its file defines whose name
// match accepts.
func definedSymbol(syms []elf.Symbol, match func(string) bool) (elf.Symbol, bool) {
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && s.Name != "" && match(s.Name) {
			return s, true
		}
	}
	return elf.Symbol{}, false
}
