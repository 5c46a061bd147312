package runtime

import (
	"encoding/binary"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// maxExact is 2^53: integers up to it in magnitude are exact as Lua
// numbers (doubles).
const maxExact = 1 << 53

// mapScalar converts a key or value read from a map to Lua, the same way
// for m[k] and for m.pairs. An integer is a plain Lua number when a
// double holds it exactly (|v| <= 2^53), so it compares with numbers,
// formats with %d and works as a table key; beyond that it is a 64-bit
// cdata of its type, so nothing is rounded (tonumber rounds it, and it
// compares exactly only with other cdata). Structs, unions and arrays
// are cdata holding a copy of the bytes; other scalars (floats, bool)
// convert as ffi reads them from memory.
func (r *Runtime) mapScalar(L *lua.LState, t *ctype.Type, b []byte) lua.LValue {
	switch t.Kind {
	case ctype.Int:
		if n, ok := exactInt(t, b); ok {
			return lua.LNumber(n)
		}
		ud := r.ffi.NewCData(L, t)
		copy(ud.Value.(*ffi.CData).Mem, b)
		return ud
	case ctype.Struct, ctype.Union, ctype.Array:
		ud := r.ffi.NewCData(L, t)
		copy(ud.Value.(*ffi.CData).Mem, b)
		return ud
	}
	return r.ffi.ToLua(L, t, b)
}

// exactInt reads an integer of type t from b (host byte order) and
// reports whether a Lua number holds it exactly.
func exactInt(t *ctype.Type, b []byte) (float64, bool) {
	var buf [8]byte
	copy(buf[:], b[:min(t.Size, 8, len(b))])
	u := binary.LittleEndian.Uint64(buf[:])
	if t.Signed && t.Size < 8 {
		sh := 64 - 8*t.Size
		u = uint64(int64(u<<sh) >> sh)
	}
	if t.Signed {
		v := int64(u)
		return float64(v), v >= -maxExact && v <= maxExact
	}
	return float64(u), u <= maxExact
}
