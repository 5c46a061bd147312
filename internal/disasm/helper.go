package disasm

import (
	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"
)

// platformMask covers the bits cilium/ebpf uses to tag a helper's
// platform (Linux is 0, Windows 1); the rest is the helper's number.
const platformMask = 0xf << 28

// helper renders a helper function as the kernel's verifier log does:
// its name and number, "bpf_map_lookup_elem#1", or "unknown#N" for a
// number cilium/ebpf has no name for.
//
// cilium/ebpf generates its Go names from the kernel's FN(map_lookup_elem)
// list by dropping the underscores and capitalising each word
// (internal/cmd/genfunctions.awk). Kernel names are lower-case and no
// word starts with a digit, so putting an underscore before every
// capital and lower-casing it restores the kernel's name exactly.
func helper(constant int64) string {
	fn := asm.BuiltinFunc(constant)
	name := fn.String()
	camel, ok := strings.CutPrefix(name, "Fn")
	if !ok {
		camel, ok = strings.CutPrefix(name, "WindowsFn")
	}
	if !ok || constant < 0 || constant > 1<<32-1 {
		return "unknown#" + strconv.FormatInt(constant, 10)
	}
	return "bpf_" + snake(camel) + "#" + strconv.FormatUint(uint64(uint32(fn)&^platformMask), 10)
}

// snake turns "MapLookupElem" into "map_lookup_elem" and
// "GetPrandomU32" into "get_prandom_u32".
func snake(camel string) string {
	var b strings.Builder
	for i, r := range camel {
		if 'A' <= r && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
