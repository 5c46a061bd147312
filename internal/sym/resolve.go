package sym

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/luabpf/luabpf/internal/source"
)

// UprobeTarget is where to place a uprobe, in the terms of cilium/ebpf:
//
//	ex, err := link.OpenExecutable(t.Path)
//	l, err := ex.Uprobe(t.Symbol, prog, &link.UprobeOptions{Address: t.Address, Offset: t.Offset, PID: pid})
//
// (Uretprobe for return probes).
type UprobeTarget struct {
	Path string // the ELF file, found as the dynamic loader or the shell would
	// Symbol is the function as the symbol table spells it (mangled for
	// C++), for cilium/ebpf to look up; "" when Address is set.
	Symbol string
	// Address is the file offset to probe when the script gave an address
	// (converted from the virtual address it wrote), or when cilium/ebpf
	// cannot place the symbol itself (a function without a size); 0
	// otherwise.
	Address uint64
	Offset  uint64 // added to the symbol's or the address's place
}

// ResolveUprobe parses spec (see ParseUprobe) and finds its file and
// function. A file written without a '/' is looked up first among the
// files process pid maps (when pid > 0), then as a library the way the
// dynamic loader would (LD_LIBRARY_PATH, /etc/ld.so.cache, the default
// directories), then as a program on PATH. Errors say what was not found
// and suggest near names.
func ResolveUprobe(spec string, pid int) (UprobeTarget, error) {
	s, err := ParseUprobe(spec)
	if err != nil {
		return UprobeTarget{}, err
	}
	path, err := findBinary(s.File, pid, hostLibSearch())
	if err != nil {
		return UprobeTarget{}, fmt.Errorf("uprobe target '%s': %w", spec, err)
	}
	t, err := resolveIn(path, s)
	if err != nil {
		return UprobeTarget{}, fmt.Errorf("uprobe target '%s': %w", spec, err)
	}
	return t, nil
}

// findBinary finds the file a uprobe spec names.
func findBinary(file string, pid int, ls *libSearch) (string, error) {
	if strings.Contains(file, "/") {
		if _, err := os.Stat(file); err != nil {
			return "", fmt.Errorf("no file '%s'", file)
		}
		return filepath.Abs(file)
	}
	if pid > 0 {
		if p := mappedLibrary(pid, file); p != "" {
			return p, nil
		}
	}
	p, looked := ls.find(file)
	if p != "" {
		return p, nil
	}
	if p, err := exec.LookPath(file); err == nil {
		return filepath.Abs(p)
	}
	return "", fmt.Errorf("no library or program '%s' (looked in %s and PATH); write its path, e.g. '/usr/lib/lib%s.so:function'",
		file, strings.Join(looked, ", "), strings.TrimPrefix(file, "lib"))
}

// mappedLibrary returns the file process pid maps whose name is file, or
// else whose name means the library file, as a path through the process's
// root directory.
func mappedLibrary(pid int, file string) string {
	ms, err := readMaps(pid)
	if err != nil {
		return ""
	}
	for _, match := range []func(string) bool{
		func(base string) bool { return base == file },
		func(base string) bool { return libNameMatches(base, file) },
	} {
		for _, m := range ms {
			if strings.HasPrefix(m.path, "/") && match(filepath.Base(m.path)) {
				return fmt.Sprintf("/proc/%d/root%s", pid, m.path)
			}
		}
	}
	return ""
}

// resolveIn checks s's function or address against the ELF file at path.
func resolveIn(path string, s UprobeSpec) (UprobeTarget, error) {
	f, err := elf.Open(path)
	if err != nil {
		return UprobeTarget{}, fmt.Errorf("'%s' is not an ELF executable or library", path)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return UprobeTarget{}, fmt.Errorf("'%s' is not an executable or shared library", path)
	}
	t := UprobeTarget{Path: path, Offset: s.Offset}
	if s.Symbol == "" {
		off, ok := codeOffset(f, s.Address)
		if !ok || off == 0 {
			return UprobeTarget{}, fmt.Errorf("address 0x%x is not in the code of '%s'", s.Address, path)
		}
		t.Address = off
		return t, nil
	}
	syms, err := symbolTables(f)
	if err != nil {
		return UprobeTarget{}, fmt.Errorf("read symbols of '%s': %w", path, err)
	}
	sym, err := findFunction(syms, s.Symbol, path)
	if err != nil {
		return UprobeTarget{}, err
	}
	t.Symbol = sym.Name
	if sym.Size == 0 {
		// cilium/ebpf refuses symbols without a size (any offset is out
		// of their range), so give it the place instead.
		off, ok := codeOffset(f, sym.Value)
		if !ok {
			return UprobeTarget{}, fmt.Errorf("function '%s' is not in the code of '%s'", s.Symbol, path)
		}
		t.Symbol, t.Address = "", off
	} else if s.Offset >= sym.Size {
		return UprobeTarget{}, fmt.Errorf("offset %d is beyond the end of '%s', which is %d bytes long", s.Offset, s.Symbol, sym.Size)
	}
	return t, nil
}

// findFunction finds the defined function name means in syms: the symbol
// of that name, or for a C++ name the one function whose mangled name
// matches it.
func findFunction(syms []elf.Symbol, name, path string) (elf.Symbol, error) {
	var funcs, other, imported []elf.Symbol
	for _, s := range syms {
		if s.Name != name && !cxxMatches(s.Name, name) {
			continue
		}
		switch typ := elf.ST_TYPE(s.Info); {
		case s.Section == elf.SHN_UNDEF:
			imported = append(imported, s)
		case typ == elf.STT_FUNC && s.Value != 0:
			funcs = append(funcs, s)
		default:
			other = append(other, s)
		}
	}
	if exact := slices.DeleteFunc(slices.Clone(funcs), func(s elf.Symbol) bool { return s.Name != name }); len(exact) > 0 {
		funcs = exact // an exact name wins over C++ spellings
	}
	funcs = slices.CompactFunc(funcs, func(a, b elf.Symbol) bool { return a.Value == b.Value })
	switch {
	case len(funcs) == 1:
		return funcs[0], nil
	case len(funcs) > 1:
		return elf.Symbol{}, ambiguous(funcs, name, path)
	case slices.ContainsFunc(other, func(s elf.Symbol) bool { return elf.ST_TYPE(s.Info) == elf.STT_GNU_IFUNC }):
		msg := fmt.Sprintf("'%s' in '%s' is an indirect function (GNU ifunc), whose address is its resolver's; probe one of its implementations", name, path)
		if impl := implementations(syms, name); len(impl) > 0 {
			msg += ", e.g. " + orList(impl)
		} else {
			msg += " by address"
		}
		return elf.Symbol{}, errors.New(msg)
	case len(other) > 0:
		return elf.Symbol{}, fmt.Errorf("'%s' in '%s' is not a function", name, path)
	case len(imported) > 0:
		if lib := imported[0].Library; lib != "" {
			return elf.Symbol{}, fmt.Errorf("'%s' does not define '%s' but calls it in %s; probe it there: '%s:%s'", path, name, lib, lib, name)
		}
		return elf.Symbol{}, fmt.Errorf("'%s' does not define '%s' but calls it in a shared library; probe it in the library", path, name)
	}
	if !slices.ContainsFunc(syms, func(s elf.Symbol) bool { return elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 }) {
		return elf.Symbol{}, fmt.Errorf("'%s' has no function symbols (it is stripped); give an address instead, e.g. '%s:0x1234'", path, path)
	}
	return elf.Symbol{}, fmt.Errorf("no function '%s' in '%s'%s", name, path, hint(nearFunctions(syms, name)))
}

// ambiguous reports a C++ name that several functions (overloads) match.
func ambiguous(funcs []elf.Symbol, name, path string) error {
	var names []string
	for _, s := range funcs {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	return fmt.Errorf("'%s' names %d functions in '%s'; write the mangled name of one: %s", name, len(names), path, strings.Join(names, ", "))
}

// nearFunctions returns the defined functions whose names are closest to
// name.
func nearFunctions(syms []elf.Symbol, name string) []string {
	var names []string
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 {
			names = append(names, s.Name)
		}
	}
	return source.Nearest(name, names, 3)
}

// implementations returns up to three functions whose names contain name,
// the usual spelling of an ifunc's implementations (__strlen_avx2).
func implementations(syms []elf.Symbol, name string) []string {
	var out []string
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value != 0 && s.Name != name && strings.Contains(s.Name, name) && !slices.Contains(out, s.Name) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return out[:min(3, len(out))]
}

// hint spells names as " (did you mean 'a' or 'b'?)", or "" for none.
func hint(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " (did you mean " + orList(names) + "?)"
}

// orList spells names as "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
func orList(names []string) string {
	if len(names) == 1 {
		return "'" + names[0] + "'"
	}
	return "'" + strings.Join(names[:len(names)-1], "', '") + "' or '" + names[len(names)-1] + "'"
}

// codeOffset converts a virtual address of f to its file offset, through
// the executable loadable segment that holds it.
func codeOffset(f *elf.File, vaddr uint64) (uint64, bool) {
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 && p.Vaddr <= vaddr && vaddr < p.Vaddr+p.Filesz {
			return vaddr - p.Vaddr + p.Off, true
		}
	}
	return 0, false
}
