package ffi

import "github.com/luabpf/luabpf/ctype"

// bitfieldSpan is the number of bytes a bitfield occupies from its Offset.
func bitfieldSpan(f ctype.Field) int {
	return (f.BitOffset + f.BitSize + 7) / 8
}

// loadBitfield reads a bitfield from the memory of its enclosing record.
func loadBitfield(f ctype.Field, mem []byte) scalar {
	b := mem[f.Offset:]
	span := bitfieldSpan(f)
	raw := loadUint(b, span) >> uint(f.BitOffset)
	if span > 8 {
		raw |= uint64(b[8]) << uint(64-f.BitOffset)
	}
	if f.BitSize < 64 {
		raw &= 1<<uint(f.BitSize) - 1
	}
	if f.Type.Kind == ctype.Int && f.Type.Signed {
		return intScalar(signExtend(raw, f.BitSize))
	}
	return uintScalar(raw)
}

// storeBitfield writes v into a bitfield, leaving the bits around it as
// they are.
func storeBitfield(f ctype.Field, mem []byte, v uint64) {
	span := bitfieldSpan(f)
	b := mem[f.Offset:]
	word := loadUint(b, span)
	mask := uint64(1)<<uint(f.BitSize) - 1
	if f.BitSize >= 64 {
		mask = ^uint64(0)
	}
	mask <<= uint(f.BitOffset)
	word = word&^mask | (v<<uint(f.BitOffset))&mask
	storeUint(b, span, word)
	if span > 8 {
		// A 64-bit field that starts mid-byte spills into a ninth byte.
		hi := v >> uint(64-f.BitOffset)
		himask := byte(1<<uint(f.BitOffset+f.BitSize-64) - 1)
		b[8] = b[8]&^himask | byte(hi)&himask
	}
}
