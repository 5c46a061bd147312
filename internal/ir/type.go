package ir

import "fmt"

// Kind is the broad class of a Type.
type Kind uint8

// Type kinds.
const (
	KVoid Kind = iota // no value (stores, deletes)
	KInt              // an integer, zero- or sign-extended to 64 bits
	KBool             // the result of a comparison: 0 or 1
	KPtr              // a pointer; Space says into which memory
)

// Space is the memory a pointer points into. It decides how accesses are
// emitted and what the verifier checks.
type Space uint8

// Pointer spaces.
const (
	SpaceNone   Space = iota
	SpaceCtx          // the program's context (struct __sk_buff, pt_regs, tracepoint args)
	SpaceStack        // the BPF stack, R10-relative
	SpaceMap          // a map value, from a lookup
	SpaceMapFD        // a map itself, as helpers take it (ld_imm64 pseudo map fd)
	SpaceKern         // kernel memory, read with bpf_probe_read_kernel
	SpaceUser         // user memory, read with bpf_probe_read_user
	SpacePkt          // the packet (XDP, TC), loaded directly after a bounds check against its end
	SpacePktEnd       // the end of the packet (data_end), compared with, never read through
)

var spaceNames = [...]string{"", "ctx", "stack", "map", "mapfd", "kern", "user", "pkt", "pktend"}

// String returns the space's text form: "ctx", "stack", ...
func (s Space) String() string {
	if int(s) < len(spaceNames) {
		return spaceNames[s]
	}
	return fmt.Sprintf("space%d", s)
}

// Type is the type of a Value. It is small and comparable.
type Type struct {
	Kind      Kind
	Size      uint8 // KInt: meaningful bytes, 1, 2, 4 or 8
	Signed    bool  // KInt
	Space     Space // KPtr
	MaybeNull bool  // KPtr: may be 0 (map lookups)
}

// Common types.
var (
	Void = Type{Kind: KVoid}
	Bool = Type{Kind: KBool, Size: 1}
	I64  = Type{Kind: KInt, Size: 8, Signed: true}
	I32  = Type{Kind: KInt, Size: 4, Signed: true}
	I16  = Type{Kind: KInt, Size: 2, Signed: true}
	I8   = Type{Kind: KInt, Size: 1, Signed: true}
	U64  = Type{Kind: KInt, Size: 8}
	U32  = Type{Kind: KInt, Size: 4}
	U16  = Type{Kind: KInt, Size: 2}
	U8   = Type{Kind: KInt, Size: 1}
)

// Int returns the integer type of size bytes and the given signedness.
func Int(size int, signed bool) Type {
	return Type{Kind: KInt, Size: uint8(size), Signed: signed}
}

// Ptr returns a non-null pointer into space s.
func Ptr(s Space) Type { return Type{Kind: KPtr, Size: 8, Space: s} }

// PtrOrNull returns a pointer into space s that may be null.
func PtrOrNull(s Space) Type { return Type{Kind: KPtr, Size: 8, Space: s, MaybeNull: true} }

// IsInt reports whether t is an integer (booleans count: they are 0 or 1).
func (t Type) IsInt() bool { return t.Kind == KInt || t.Kind == KBool }

// IsPtr reports whether t is a pointer.
func (t Type) IsPtr() bool { return t.Kind == KPtr }

// NonNegative reports whether every value of t is >= 0 as a signed 64-bit
// number, so signed and unsigned comparisons agree on it.
func (t Type) NonNegative() bool {
	switch t.Kind {
	case KBool:
		return true
	case KInt:
		return !t.Signed && t.Size < 8
	}
	return false
}

// String returns the text form: i64, u8, bool, ptr:ctx, ptr:map?, void.
func (t Type) String() string {
	switch t.Kind {
	case KVoid:
		return "void"
	case KBool:
		return "bool"
	case KInt:
		if t.Signed {
			return fmt.Sprintf("i%d", int(t.Size)*8)
		}
		return fmt.Sprintf("u%d", int(t.Size)*8)
	case KPtr:
		s := "ptr:" + t.Space.String()
		if t.MaybeNull {
			s += "?"
		}
		return s
	}
	return fmt.Sprintf("type%d", t.Kind)
}
