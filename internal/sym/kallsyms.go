package sym

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Unknown is what Ksym and Usym return for an address no symbol or
// mapping covers.
const Unknown = "[unknown]"

// ErrAddressesHidden reports a /proc/kallsyms whose addresses are all
// zero: kernel.kptr_restrict hides them from this process.
var ErrAddressesHidden = errors.New("kernel symbol addresses are hidden by kernel.kptr_restrict; run as root, or set /proc/sys/kernel/kptr_restrict to 0")

// Ksyms is a kernel symbol table, sorted by address.
type Ksyms struct {
	syms []ksym
}

type ksym struct {
	addr   uint64
	name   string
	global bool // upper-case type letter
}

// ParseKallsyms reads symbols in the format of /proc/kallsyms
// ("ffffffff81379cc0 T __x64_sys_getpid", optionally followed by
// "\t[module]"). Absolute and undefined symbols (types a, A, U) are left
// out. When every address is zero it returns ErrAddressesHidden.
func ParseKallsyms(r io.Reader) (*Ksyms, error) {
	k := &Ksyms{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	lines, zero := 0, 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || len(fields[1]) != 1 {
			continue
		}
		addr, err := strconv.ParseUint(fields[0], 16, 64)
		if err != nil {
			continue
		}
		lines++
		if addr == 0 {
			zero++
		}
		switch typ := fields[1][0]; typ {
		case 'a', 'A', 'U':
		default:
			k.syms = append(k.syms, ksym{addr: addr, name: fields[2], global: typ >= 'A' && typ <= 'Z'})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read kernel symbols: %w", err)
	}
	if lines > 0 && zero == lines {
		return nil, ErrAddressesHidden
	}
	slices.SortStableFunc(k.syms, func(a, b ksym) int {
		if a.addr != b.addr {
			return cmpUint(a.addr, b.addr)
		}
		return betterName(a.name, a.global, b.name, b.global)
	})
	return k, nil
}

// Len returns the number of symbols.
func (k *Ksyms) Len() int { return len(k.syms) }

// Lookup spells addr as "name+0xoff" after the nearest symbol at or below
// it, or returns Unknown below the first symbol.
func (k *Ksyms) Lookup(addr uint64) string {
	i, ok := k.at(addr)
	if !ok {
		return Unknown
	}
	s := k.syms[i]
	return fmt.Sprintf("%s+0x%x", s.name, addr-s.addr)
}

// Start returns the address of the symbol addr is in: the nearest symbol
// at or below it. It reports false below the first symbol.
func (k *Ksyms) Start(addr uint64) (uint64, bool) {
	i, ok := k.at(addr)
	if !ok {
		return 0, false
	}
	return k.syms[i].addr, true
}

// at returns the index of the preferred symbol at or below addr.
func (k *Ksyms) at(addr uint64) (int, bool) {
	i, found := slices.BinarySearchFunc(k.syms, addr, func(s ksym, a uint64) int { return cmpUint(s.addr, a) })
	if !found {
		if i == 0 {
			return 0, false
		}
		i--
		// The first of several symbols at that address is the preferred one.
		for i > 0 && k.syms[i-1].addr == k.syms[i].addr {
			i--
		}
	}
	return i, true
}

// Addr returns the address of the kernel symbol called name.
func (k *Ksyms) Addr(name string) (uint64, bool) {
	for _, s := range k.syms {
		if s.name == name {
			return s.addr, true
		}
	}
	return 0, false
}

var (
	kernelOnce sync.Once
	kernelSyms *Ksyms
	kernelErr  error
)

// Kernel returns the symbols of /proc/kallsyms, read on the first call.
// Without root or with kernel.kptr_restrict set, the addresses are hidden
// and it returns an error wrapping ErrAddressesHidden that gives the
// setting.
func Kernel() (*Ksyms, error) {
	kernelOnce.Do(func() {
		f, err := os.Open("/proc/kallsyms")
		if err != nil {
			kernelErr = fmt.Errorf("read kernel symbols: %w", err)
			return
		}
		defer f.Close()
		kernelSyms, kernelErr = ParseKallsyms(f)
		if errors.Is(kernelErr, ErrAddressesHidden) {
			if v, err := os.ReadFile("/proc/sys/kernel/kptr_restrict"); err == nil {
				kernelErr = fmt.Errorf("%w (it is %s)", kernelErr, strings.TrimSpace(string(v)))
			}
		}
	})
	return kernelSyms, kernelErr
}

// Ksym spells a kernel address as "name+0xoff", or returns Unknown when
// the kernel's symbols cannot be read or none is at or below addr.
func Ksym(addr uint64) string {
	k, err := Kernel()
	if err != nil {
		return Unknown
	}
	return k.Lookup(addr)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// betterName orders two names for one address: global before local, then
// fewer leading underscores, then alphabetical. Negative means a is better.
func betterName(a string, aGlobal bool, b string, bGlobal bool) int {
	if aGlobal != bGlobal {
		if aGlobal {
			return -1
		}
		return 1
	}
	ua, ub := len(a)-len(strings.TrimLeft(a, "_")), len(b)-len(strings.TrimLeft(b, "_"))
	if ua != ub {
		return ua - ub
	}
	return strings.Compare(a, b)
}
