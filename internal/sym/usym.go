package sym

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Resolver spells addresses in processes as symbols. It caches each
// process's mappings (reading them again when an address is in none of
// them, so libraries loaded later are found) and each file's symbols. It
// is safe for concurrent use.
type Resolver struct {
	mu    sync.Mutex
	maps  map[int][]mapping
	files map[string]*fileSyms // by device, inode and path; nil when unreadable
}

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver {
	return &Resolver{maps: map[int][]mapping{}, files: map[string]*fileSyms{}}
}

var defaultResolver = NewResolver()

// Usym spells addr in process pid with the shared default Resolver; see
// Resolver.Usym.
func Usym(pid int, addr uint64) string { return defaultResolver.Usym(pid, addr) }

// Usym spells addr, an address in process pid, as "name+0xoff" after the
// ELF symbol that covers it, as "file+0xaddr" (the file's base name and
// the address in the file's own layout, as nm and addr2line take it) when
// no symbol does, as "[vdso]+0xoff" and the like in special mappings, and
// as Unknown when no mapping holds it or the process is gone.
func (r *Resolver) Usym(pid int, addr uint64) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := find(r.maps[pid], addr)
	if !ok {
		ms, err := readMaps(pid)
		if err != nil {
			return Unknown
		}
		r.maps[pid] = ms
		if m, ok = find(ms, addr); !ok {
			return Unknown
		}
	}
	if m.path == "" {
		return Unknown
	}
	if strings.HasPrefix(m.path, "[") {
		return fmt.Sprintf("%s+0x%x", m.path, addr-m.start)
	}
	off := addr - m.start + m.off
	module := filepath.Base(strings.TrimSuffix(m.path, " (deleted)"))
	fs := r.file(pid, m)
	if fs == nil {
		return fmt.Sprintf("%s+0x%x", module, off)
	}
	v, ok := fs.vaddr(off)
	if !ok {
		return fmt.Sprintf("%s+0x%x", module, off)
	}
	if name, d, ok := fs.lookup(v); ok {
		return fmt.Sprintf("%s+0x%x", name, d)
	}
	return fmt.Sprintf("%s+0x%x", module, v)
}

// Forget drops what r holds about process pid, for when it has exited and
// its pid may be reused.
func (r *Resolver) Forget(pid int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.maps, pid)
}

// file returns the symbols of the file m maps, read through the process's
// root directory so that files of other mount namespaces are found; nil
// when they cannot be read.
func (r *Resolver) file(pid int, m mapping) *fileSyms {
	key := fmt.Sprintf("%s %d %s", m.dev, m.inode, m.path)
	if fs, ok := r.files[key]; ok {
		return fs
	}
	path := strings.TrimSuffix(m.path, " (deleted)")
	fs, err := loadFileSyms(fmt.Sprintf("/proc/%d/root%s", pid, path))
	if err != nil && os.Getpid() != pid {
		fs, err = loadFileSyms(path)
	}
	if err != nil {
		fs = nil
	}
	r.files[key] = fs
	return fs
}
