package ffi

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// The bit module follows LuaJIT's BitOp: operations on Lua numbers work on
// 32 bits and return signed 32-bit results as numbers; when any argument
// is an integer cdata they work on 64 bits and return an int64_t cdata
// (uint64_t if any argument is one), Lua number arguments then counting as
// their 32-bit value sign-extended.

// bitArg is one argument of a bit operation.
type bitArg struct {
	v      uint64
	wide   bool // a cdata: switches the operation to 64 bits
	unsign bool // a uint64_t cdata
}

// toBit normalizes a Lua number to 32 bits as LuaJIT's tobit does:
// adding 2^52+2^51 moves the integer part, rounded to nearest even, into
// the low mantissa bits.
func toBit(f float64) int32 {
	return int32(uint32(math.Float64bits(f + 6755399441055744.0)))
}

// checkBit reads argument n of a bit function.
func (m *Module) checkBit(L *lua.LState, n int) bitArg {
	v := L.Get(n)
	if c, ok := CDataOf(v); ok && (c.Type.IsInteger() || c.Type.Kind == ctype.Float || c.Type.Kind == ctype.Pointer) {
		s := loadScalar(c.Type, c.Mem)
		return bitArg{v: uint64(s.int64()), wide: true, unsign: is64(c.Type) && !c.Type.Signed}
	}
	var f float64
	switch x := v.(type) {
	case lua.LNumber:
		f = float64(x)
	case lua.LString:
		p, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64)
		if err != nil {
			L.ArgError(n, "number expected, got string")
		}
		f = p
	default:
		L.ArgError(n, "number expected, got "+valueTypeName(v))
	}
	return bitArg{v: uint64(int64(toBit(f)))}
}

// bitResult pushes a result: a 32-bit number, or a boxed 64-bit integer.
func (m *Module) bitResult(L *lua.LState, v uint64, wide, unsigned bool) int {
	if wide {
		L.Push(m.box(L, v, unsigned))
	} else {
		L.Push(lua.LNumber(int32(v)))
	}
	return 1
}

// newBitTable builds the bit module.
func newBitTable(L *lua.LState, m *Module) *lua.LTable {
	t := L.NewTable()
	reduce := func(op func(a, b uint64) uint64) lua.LGFunction {
		return func(L *lua.LState) int {
			a := m.checkBit(L, 1)
			acc, wide, unsign := a.v, a.wide, a.unsign
			for i := 2; i <= L.GetTop(); i++ {
				b := m.checkBit(L, i)
				acc = op(acc, b.v)
				wide, unsign = wide || b.wide, unsign || b.unsign
			}
			return m.bitResult(L, acc, wide, unsign)
		}
	}
	shift := func(op func(x uint64, n uint, wide bool) uint64) lua.LGFunction {
		return func(L *lua.LState) int {
			a := m.checkBit(L, 1)
			n := m.checkBit(L, 2).v
			if a.wide {
				return m.bitResult(L, op(a.v, uint(n&63), true), true, a.unsign)
			}
			return m.bitResult(L, op(a.v, uint(n&31), false), false, false)
		}
	}
	fns := map[string]lua.LGFunction{
		"tobit": func(L *lua.LState) int {
			L.Push(lua.LNumber(int32(m.checkBit(L, 1).v)))
			return 1
		},
		"bnot": func(L *lua.LState) int {
			a := m.checkBit(L, 1)
			return m.bitResult(L, ^a.v, a.wide, a.unsign)
		},
		"band": reduce(func(a, b uint64) uint64 { return a & b }),
		"bor":  reduce(func(a, b uint64) uint64 { return a | b }),
		"bxor": reduce(func(a, b uint64) uint64 { return a ^ b }),
		"lshift": shift(func(x uint64, n uint, wide bool) uint64 {
			return x << n
		}),
		"rshift": shift(func(x uint64, n uint, wide bool) uint64 {
			if wide {
				return x >> n
			}
			return uint64(uint32(x) >> n)
		}),
		"arshift": shift(func(x uint64, n uint, wide bool) uint64 {
			if wide {
				return uint64(int64(x) >> n)
			}
			return uint64(int32(x) >> n)
		}),
		"rol": shift(func(x uint64, n uint, wide bool) uint64 {
			if wide {
				return bits.RotateLeft64(x, int(n))
			}
			return uint64(bits.RotateLeft32(uint32(x), int(n)))
		}),
		"ror": shift(func(x uint64, n uint, wide bool) uint64 {
			if wide {
				return bits.RotateLeft64(x, -int(n))
			}
			return uint64(bits.RotateLeft32(uint32(x), -int(n)))
		}),
		"bswap": func(L *lua.LState) int {
			a := m.checkBit(L, 1)
			if a.wide {
				return m.bitResult(L, bits.ReverseBytes64(a.v), true, a.unsign)
			}
			return m.bitResult(L, uint64(bits.ReverseBytes32(uint32(a.v))), false, false)
		},
		"tohex": m.bitToHex,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// bitToHex is bit.tohex(x [, n]): the low n hex digits (8 by default, 16
// for 64-bit cdata); a negative n gives upper-case digits.
func (m *Module) bitToHex(L *lua.LState) int {
	a := m.checkBit(L, 1)
	n := 8
	if a.wide {
		n = 16
	}
	if L.Get(2) != lua.LNil {
		n = int(int32(m.checkBit(L, 2).v))
	}
	upper := n < 0
	if upper {
		n = -n
	}
	limit := 8
	if a.wide {
		limit = 16
	}
	n = min(n, limit)
	v := a.v
	if !a.wide {
		v = uint64(uint32(v))
	}
	s := strconv.FormatUint(v, 16)
	if len(s) < n {
		s = strings.Repeat("0", n-len(s)) + s
	}
	s = s[len(s)-n:]
	if upper {
		s = strings.ToUpper(s)
	}
	L.Push(lua.LString(s))
	return 1
}
