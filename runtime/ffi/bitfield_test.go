package ffi

import (
	"testing"

	"github.com/luabpf/luabpf/ctype"
)

// TestBitfieldNineBytes checks a packed 64-bit bitfield that starts
// mid-byte and so spans nine bytes.
func TestBitfieldNineBytes(t *testing.T) {
	reg := ctype.NewRegistry(ctype.AMD64)
	typ := reg.MustParse("struct { uint8_t a:5; uint64_t b:62; uint8_t c:1; } __attribute__((packed))")
	a, _ := typ.Field("a")
	b, _ := typ.Field("b")
	c, _ := typ.Field("c")
	if b.Offset != 0 || b.BitOffset != 5 || bitfieldSpan(b) != 9 || typ.Size != 9 {
		t.Fatalf("b = %+v, span %d, size %d", b, bitfieldSpan(b), typ.Size)
	}
	mem := make([]byte, typ.Size)
	storeBitfield(a, mem, 0x15)
	storeBitfield(c, mem, 1)
	want := uint64(1)<<62 - 3
	storeBitfield(b, mem, want)
	if got := loadBitfield(b, mem).bits; got != want {
		t.Errorf("b = %#x, want %#x", got, want)
	}
	if got := loadBitfield(a, mem).bits; got != 0x15 {
		t.Errorf("a = %#x after writing b", got)
	}
	if got := loadBitfield(c, mem).bits; got != 1 {
		t.Errorf("c = %#x after writing b", got)
	}
	storeBitfield(b, mem, 0)
	if mem[0] != 0x15 || mem[8] != 1<<3 {
		t.Errorf("memory after clearing b: % x", mem)
	}
}
