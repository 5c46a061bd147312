package elfobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// Object is what an ELF object file holds: programs, the maps they use and
// the license the kernel checks helper use against.
type Object struct {
	License  string // e.g. "GPL"; needed for GPL-only helpers such as trace_printk
	Programs []Program
	Maps     []Map
}

// Program is one BPF function in an ELF section.
type Program struct {
	// Name is the function's symbol, which loaders use as the program's
	// name, e.g. "count_udp". It must be a C identifier.
	Name string
	// Section is the ELF section, which tells libbpf and cilium/ebpf the
	// program type: "socket", "xdp", "tc",
	// "tracepoint/syscalls/sys_enter_getpid", "kprobe/do_sys_open",
	// "uprobe/...". Programs may share a section.
	Section string
	// Insns are the instructions. Map loads carry the map's name as their
	// Reference, jumps may be symbolic, and each instruction's Source()
	// may be a *source.Line (or a *btf.Line) for line info. Instruction 0
	// may carry Name as its Symbol.
	Insns asm.Instructions
	// Context is the type the program's argument points to in its BTF
	// function prototype, e.g. &btf.Fwd{Name: "__sk_buff"}; nil means
	// void.
	Context btf.Type
}

// Map is a map definition. Key and Value are the types bpftool prints
// entries with; map types whose keys or values have no BTF (perf event
// arrays, ring buffers) leave them nil and give KeySize and ValueSize (or
// nothing) instead.
type Map struct {
	Name       string // a C identifier
	Type       ebpf.MapType
	Key, Value btf.Type
	KeySize    uint32 // only when Key is nil (or equal to its size)
	ValueSize  uint32 // only when Value is nil (or equal to its size)
	MaxEntries uint32
	Flags      uint32
}

// Write writes obj as a relocatable ELF object to w.
func Write(w io.Writer, obj *Object) error {
	b, err := Bytes(obj)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Bytes returns obj as a relocatable ELF object.
func Bytes(obj *Object) ([]byte, error) {
	if err := check(obj); err != nil {
		return nil, err
	}
	code, err := layoutCode(obj)
	if err != nil {
		return nil, err
	}
	bt, err := buildBTF(obj, code)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeELF(&buf, obj, code, bt); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// check rejects objects loaders would refuse or misread.
func check(obj *Object) error {
	if obj == nil || len(obj.Programs) == 0 {
		return errors.New("object has no programs")
	}
	if bytes.IndexByte([]byte(obj.License), 0) >= 0 {
		return errors.New("license contains a NUL byte")
	}
	names := map[string]string{}
	for _, p := range obj.Programs {
		if !isIdent(p.Name) {
			return fmt.Errorf("program name %q is not a C identifier", p.Name)
		}
		if p.Section == "" || bytes.IndexByte([]byte(p.Section), 0) >= 0 {
			return fmt.Errorf("program %s: bad section name %q", p.Name, p.Section)
		}
		if len(p.Insns) == 0 {
			return fmt.Errorf("program %s has no instructions", p.Name)
		}
		if other, ok := names[p.Name]; ok {
			return fmt.Errorf("program %s: name already used by a %s", p.Name, other)
		}
		names[p.Name] = "program"
	}
	for _, m := range obj.Maps {
		if !isIdent(m.Name) {
			return fmt.Errorf("map name %q is not a C identifier", m.Name)
		}
		if other, ok := names[m.Name]; ok {
			return fmt.Errorf("map %s: name already used by a %s", m.Name, other)
		}
		names[m.Name] = "map"
		if err := checkSize(m.Key, m.KeySize); err != nil {
			return fmt.Errorf("map %s: key: %w", m.Name, err)
		}
		if err := checkSize(m.Value, m.ValueSize); err != nil {
			return fmt.Errorf("map %s: value: %w", m.Name, err)
		}
	}
	return nil
}

func checkSize(t btf.Type, size uint32) error {
	if t == nil || size == 0 {
		return nil
	}
	n, err := btf.Sizeof(t)
	if err != nil {
		return err
	}
	if uint32(n) != size {
		return fmt.Errorf("type %v has %d bytes, but the size given is %d", t, n, size)
	}
	return nil
}

// isIdent reports whether s is a C identifier, which BTF requires of
// function and variable names.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// byteOrder is the host's, which the object is written in: the kernel
// loads programs in its own byte order.
var byteOrder = func() interface {
	binary.ByteOrder
	binary.AppendByteOrder
} {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()
