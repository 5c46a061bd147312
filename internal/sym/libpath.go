package sym

import (
	"debug/elf"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// libSearch is where the dynamic loader looks for a library named without
// a path, in its order: LD_LIBRARY_PATH, /etc/ld.so.cache, then the
// default directories.
type libSearch struct {
	envDirs []string // LD_LIBRARY_PATH
	cache   string   // path of ld.so.cache
	dirs    []string // default directories
	machine elf.Machine
}

// hostLibSearch is the search of this machine and environment.
func hostLibSearch() *libSearch {
	triplet, machine := "x86_64-linux-gnu", elf.EM_X86_64
	if runtime.GOARCH == "arm64" {
		triplet, machine = "aarch64-linux-gnu", elf.EM_AARCH64
	}
	var env []string
	for _, d := range filepath.SplitList(os.Getenv("LD_LIBRARY_PATH")) {
		if d != "" {
			env = append(env, d)
		}
	}
	return &libSearch{
		envDirs: env,
		cache:   "/etc/ld.so.cache",
		dirs: []string{"/lib/" + triplet, "/usr/lib/" + triplet, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
			"/usr/local/lib/" + triplet, "/usr/local/lib"},
		machine: machine,
	}
}

// libNameMatches reports whether the file name file is the library a
// script means by name: "libc.so.6" is itself; "libc.so" is any version of
// it (libc.so.6); "c" and "libc" are lib c too, as in 'c:malloc'.
func libNameMatches(file, name string) bool {
	var stems []string
	switch {
	case strings.Contains(name, ".so"):
		stems = []string{name}
	case strings.HasPrefix(name, "lib"):
		stems = []string{name + ".so", "lib" + name + ".so"}
	default:
		stems = []string{"lib" + name + ".so"}
	}
	for _, s := range stems {
		if file == s || strings.HasPrefix(file, s+".") {
			return true
		}
	}
	return false
}

// find returns the path of library name, or "" with the places it looked.
func (ls *libSearch) find(name string) (string, []string) {
	var looked []string
	for _, d := range ls.envDirs {
		looked = append(looked, d)
		if p := ls.inDir(d, name); p != "" {
			return p, nil
		}
	}
	if data, err := os.ReadFile(ls.cache); err == nil {
		looked = append(looked, ls.cache)
		if es, err := parseLdCache(data); err == nil {
			var exact, versioned []string
			for _, e := range es {
				switch {
				case e.name == name:
					exact = append(exact, e.path)
				case libNameMatches(e.name, name):
					versioned = append(versioned, e.path)
				}
			}
			for _, p := range append(exact, versioned...) {
				if ls.usable(p) {
					return p, nil
				}
			}
		}
	}
	for _, d := range ls.dirs {
		looked = append(looked, d)
		if p := ls.inDir(d, name); p != "" {
			return p, nil
		}
	}
	return "", looked
}

// inDir returns the library in dir that name means: the exact file name
// first, then the shortest matching name (the soname before its full
// version), then the first in alphabetical order.
func (ls *libSearch) inDir(dir, name string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range ents {
		if libNameMatches(e.Name(), name) {
			names = append(names, e.Name())
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == name) != (b == name) {
			if a == name {
				return -1
			}
			return 1
		}
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	for _, n := range names {
		if p := filepath.Join(dir, n); ls.usable(p) {
			return p
		}
	}
	return ""
}

// usable reports whether path is an ELF shared object or executable for
// this machine: libc.so in a development directory is a linker script, and
// a multilib system has libraries of other ABIs.
func (ls *libSearch) usable(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Machine == ls.machine && f.Class == elf.ELFCLASS64 && (f.Type == elf.ET_DYN || f.Type == elf.ET_EXEC)
}
