package ctype

import "runtime"

// Arch is a target ABI whose data layout rules decide sizes, alignment and
// bitfield placement.
type Arch int

const (
	// AMD64 is x86-64 Linux (System V ABI): char is signed.
	AMD64 Arch = iota
	// ARM64 is AArch64 Linux (AAPCS64): char and wchar_t are unsigned,
	// and unnamed and zero-width bitfields raise a struct's alignment.
	ARM64
)

// HostArch returns the Arch of the machine the program runs on. Hosts other
// than arm64 are treated as AMD64.
func HostArch() Arch {
	if runtime.GOARCH == "arm64" {
		return ARM64
	}
	return AMD64
}

// String returns "amd64" or "arm64".
func (a Arch) String() string {
	if a == ARM64 {
		return "arm64"
	}
	return "amd64"
}
