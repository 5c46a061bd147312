package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/luabpf/luabpf/proto"
)

// Kernel refusals as sentences a script's author can act on, in place
// of cilium/ebpf's errors, which are written for Go programmers ("consider
// rlimit.RemoveMemlock") or are bare errnos.

// errnoText is the kernel's reason in err: the errno's text ("invalid
// argument") when there is one, the error otherwise.
func errnoText(err error) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return err.Error()
}

// mapCreateError explains why the kernel refused to create a map.
func mapCreateError(typ string, spec *ebpf.MapSpec, err error) error {
	what := fmt.Sprintf("cannot create the %s map", typ)
	shape := fmt.Sprintf("%d-byte keys, %d-byte values, %d entries", spec.KeySize, spec.ValueSize, spec.MaxEntries)
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return fmt.Errorf("%s: creating BPF maps needs root, or CAP_BPF (%s)", what, errnoText(err))
	case errors.Is(err, unix.E2BIG):
		return fmt.Errorf("%s: the kernel finds it too big (%s); use smaller key or value types, or fewer entries", what, shape)
	case errors.Is(err, unix.ENOMEM):
		return fmt.Errorf("%s: not enough kernel memory for it (%s); lower max_entries", what, shape)
	case errors.Is(err, unix.EINVAL):
		if (spec.Type == ebpf.Array || spec.Type == ebpf.PerCPUArray) && spec.KeySize != 4 {
			return fmt.Errorf("%s: array maps need 4-byte keys (uint32_t), not %d-byte ones", what, spec.KeySize)
		}
		return fmt.Errorf("%s: the kernel refuses this shape (%s): %s", what, shape, errnoText(err))
	case errors.Is(err, ebpf.ErrNotSupported):
		return fmt.Errorf("%s: this kernel does not support %s maps", what, typ)
	}
	return fmt.Errorf("%s: %s", what, errnoText(err))
}

// progLoadError explains a refusal to load a program that is not the
// verifier's (those come with a log; see verifierError).
func progLoadError(spec *ebpf.ProgramSpec, kind *proto.Kind, err error) error {
	what := "cannot load the kernel function"
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%s: loading BPF programs needs root, or %s (%s)", what, neededCaps(spec, kind), errnoText(err))
	}
	if errors.Is(err, ebpf.ErrNotSupported) {
		return fmt.Errorf("%s: this kernel does not support it", what)
	}
	return fmt.Errorf("%s: %s", what, errnoText(err))
}

// neededCaps names the capabilities a program needs besides root: its
// kind's, and CAP_PERFMON when it calls print.
func neededCaps(spec *ebpf.ProgramSpec, kind *proto.Kind) string {
	if kind == nil {
		kind = proto.SocketFilter
	}
	if usesPrint(spec.Instructions) && !strings.Contains(kind.Caps, "CAP_PERFMON") {
		if kind.Caps == "CAP_BPF" {
			return "CAP_BPF and CAP_PERFMON (print in kernel code needs CAP_PERFMON)"
		}
		return kind.Caps + ", and CAP_PERFMON for print in kernel code"
	}
	return kind.Caps
}

// usesPrint reports whether a program calls trace_printk (print).
func usesPrint(insns asm.Instructions) bool {
	for _, ins := range insns {
		if ins.IsBuiltinCall() && ins.Constant == int64(asm.FnTracePrintk) {
			return true
		}
	}
	return false
}
