package ffi

import (
	"encoding/binary"
	"math"

	"github.com/luabpf/luabpf/ctype"
)

// loadUint reads a little-endian unsigned integer of size bytes.
func loadUint(b []byte, size int) uint64 {
	var buf [8]byte
	copy(buf[:], b[:min(size, 8, len(b))])
	return binary.LittleEndian.Uint64(buf[:])
}

// storeUint writes the low size bytes of v little-endian.
func storeUint(b []byte, size int, v uint64) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	copy(b[:min(size, len(b))], buf[:min(size, 8)])
}

// scalar is a number read from or written to C memory: a float or a
// 64-bit integer (two's complement bits, signed or not).
type scalar struct {
	isFloat bool
	f       float64
	bits    uint64
	signed  bool
}

func floatScalar(f float64) scalar { return scalar{isFloat: true, f: f} }
func intScalar(v int64) scalar     { return scalar{bits: uint64(v), signed: true} }
func uintScalar(v uint64) scalar   { return scalar{bits: v} }

// float returns the value as a Lua number.
func (s scalar) float() float64 {
	switch {
	case s.isFloat:
		return s.f
	case s.signed:
		return float64(int64(s.bits))
	}
	return float64(s.bits)
}

// int64 returns the value converted to int64 as C does, truncating floats.
func (s scalar) int64() int64 {
	if s.isFloat {
		return floatToInt64(s.f)
	}
	return int64(s.bits)
}

// uint64 returns the value converted to uint64 as C does.
func (s scalar) uint64() uint64 {
	if s.isFloat {
		return floatToUint64(s.f)
	}
	return s.bits
}

// isZero reports whether the value is zero, for conversion to bool.
func (s scalar) isZero() bool {
	if s.isFloat {
		return s.f == 0
	}
	return s.bits == 0
}

// floatToInt64 truncates toward zero; NaN and out-of-range values give
// the minimum int64, as x86-64 conversion instructions do.
func floatToInt64(f float64) int64 {
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return math.MinInt64
	}
	return int64(f)
}

// floatToUint64 truncates toward zero, wrapping negative values as C
// compilers do through int64.
func floatToUint64(f float64) uint64 {
	if f >= 1<<63 && f < 1<<64 {
		return uint64(f)
	}
	return uint64(floatToInt64(f))
}

// loadScalar reads a number of type t (Int, Bool, Float, Pointer) from mem.
func loadScalar(t *ctype.Type, mem []byte) scalar {
	switch t.Kind {
	case ctype.Float:
		if t.Size == 4 {
			return floatScalar(float64(math.Float32frombits(uint32(loadUint(mem, 4)))))
		}
		return floatScalar(math.Float64frombits(loadUint(mem, 8)))
	case ctype.Bool:
		if loadUint(mem, t.Size) != 0 {
			return uintScalar(1)
		}
		return uintScalar(0)
	case ctype.Pointer, ctype.Func:
		return uintScalar(loadUint(mem, 8))
	}
	v := loadUint(mem, t.Size)
	if t.Signed {
		return intScalar(signExtend(v, t.Size*8))
	}
	return uintScalar(v)
}

// storeScalar writes s into mem as type t.
func storeScalar(t *ctype.Type, mem []byte, s scalar) {
	switch t.Kind {
	case ctype.Float:
		if t.Size == 4 {
			storeUint(mem, 4, uint64(math.Float32bits(float32(s.float()))))
		} else {
			storeUint(mem, 8, math.Float64bits(s.float()))
		}
	case ctype.Bool:
		var b uint64
		if !s.isZero() {
			b = 1
		}
		storeUint(mem, t.Size, b)
	default:
		var bits uint64
		if !t.Signed && t.Size == 8 {
			bits = s.uint64()
		} else {
			bits = uint64(s.int64())
		}
		storeUint(mem, t.Size, bits)
	}
}

// signExtend interprets the low n bits of v as a signed number.
func signExtend(v uint64, n int) int64 {
	if n >= 64 {
		return int64(v)
	}
	shift := uint(64 - n)
	return int64(v<<shift) >> shift
}

// is64 reports whether t is a 64-bit integer, which Lua numbers cannot
// hold exactly and which LuaJIT boxes.
func is64(t *ctype.Type) bool {
	return t.Kind == ctype.Int && t.Size == 8
}

// isNumeric reports whether t is a number type for arithmetic.
func isNumeric(t *ctype.Type) bool {
	return t.Kind == ctype.Int || t.Kind == ctype.Bool || t.Kind == ctype.Float
}
