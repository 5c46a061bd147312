package emit

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/ir"
)

// MaxStack is the kernel's limit on a program's stack, in bytes.
const MaxStack = 512

// layoutFrame gives each slot an R10-relative offset, largest alignment
// first so padding stays small, and returns the frame size.
func layoutFrame(f *ir.Func) (int, error) {
	off := 0
	for _, align := range []int{8, 4, 2, 1} {
		for _, s := range f.Slots {
			a := max(s.Align, 1)
			if a > 8 {
				a = 8
			}
			if a != align {
				continue
			}
			off += s.Size
			off = (off + a - 1) / a * a
			s.Offset = -off
		}
	}
	if off > MaxStack {
		return off, fmt.Errorf("stack objects need %d bytes, more than the %d bytes the kernel allows a program", off, MaxStack)
	}
	return off, nil
}
