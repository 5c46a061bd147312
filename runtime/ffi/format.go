package ffi

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// String formats c as tostring does in LuaJIT: 64-bit integers as
// "123ULL" or "-5LL", enums as "cdata<enum e>: 3", pointers as
// "cdata<char *>: 0x00001234" (or NULL), other cdata as their type and the
// address of their memory, e.g. "cdata<uint32_t [1]>: 0x7f3a12c0e8a0".
func (c *CData) String() string {
	t := c.Type
	switch {
	case is64(t):
		s := loadScalar(t, c.Mem)
		if t.Signed {
			return strconv.FormatInt(int64(s.bits), 10) + "LL"
		}
		return strconv.FormatUint(s.bits, 10) + "ULL"
	case t.Kind == ctype.Int && strings.HasPrefix(t.Name, "enum "):
		return fmt.Sprintf("cdata<%s>: %d", t, loadScalar(t, c.Mem).int64())
	}
	return "cdata<" + t.String() + ">: " + formatPointer(c.Address())
}

// formatPointer prints an address as LuaJIT's %p does: "NULL", or 0x with
// at least 8 hex digits, more in whole bytes as needed.
func formatPointer(p uint64) string {
	if p == 0 {
		return "NULL"
	}
	digits := 8
	if hi := uint32(p >> 32); hi != 0 {
		digits += 2 * ((bits.Len32(hi)-1)/8 + 1)
	}
	return fmt.Sprintf("0x%0*x", digits, p)
}

// cdataToString is the __tostring metamethod of cdata.
func (m *Module) cdataToString(L *lua.LState) int {
	L.Push(lua.LString(m.checkCData(L, 1).String()))
	return 1
}

// luaToString is the global tostring, aware of cdata and ctypes.
func (m *Module) luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if c, ok := CDataOf(v); ok {
		L.Push(lua.LString(c.String()))
		return 1
	}
	if t, ok := CTypeOf(v); ok {
		L.Push(lua.LString("ctype<" + t.String() + ">"))
		return 1
	}
	if m.baseToString != nil {
		return m.baseToString(L)
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// luaToNumber is the global tonumber: numeric cdata (integers, enums,
// floats and bool) give their value as a Lua number, 64-bit integers
// rounded to the nearest number; any other cdata, pointers included,
// gives nil, as in LuaJIT.
func (m *Module) luaToNumber(L *lua.LState) int {
	v := L.CheckAny(1)
	if c, ok := CDataOf(v); ok {
		if isNumeric(c.Type) && (L.GetTop() < 2 || L.Get(2) == lua.LNil || L.Get(2) == lua.LNumber(10)) {
			L.Push(lua.LNumber(loadScalar(c.Type, c.Mem).float()))
		} else {
			L.Push(lua.LNil)
		}
		return 1
	}
	if _, ok := CTypeOf(v); ok {
		L.Push(lua.LNil)
		return 1
	}
	if m.baseToNumber != nil {
		return m.baseToNumber(L)
	}
	switch x := v.(type) {
	case lua.LNumber:
		L.Push(x)
	case lua.LString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64); err == nil {
			L.Push(lua.LNumber(f))
		} else {
			L.Push(lua.LNil)
		}
	default:
		L.Push(lua.LNil)
	}
	return 1
}
