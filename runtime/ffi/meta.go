package ffi

import (
	lua "github.com/yuin/gopher-lua"
)

// newCDataMeta builds the metatable shared by all cdata of a module. All
// cdata share one table so that gopher-lua, which calls __eq, __lt and
// __le only when both operands have the same metamethod, compares any two
// cdata.
func (m *Module) newCDataMeta(L *lua.LState) *lua.LTable {
	mt := L.NewTable()
	set := func(name string, fn lua.LGFunction) { mt.RawSetString(name, L.NewFunction(fn)) }
	set("__index", m.cdataIndex)
	set("__newindex", m.cdataNewIndex)
	set("__len", m.cdataLen)
	set("__tostring", m.cdataToString)
	set("__concat", m.concat)
	set("__call", m.cdataCall)
	for _, op := range []string{"add", "sub", "mul", "div", "mod", "pow", "unm"} {
		set("__"+op, m.arith(op))
	}
	for _, op := range []string{"eq", "lt", "le"} {
		set("__"+op, m.compare(op))
	}
	// getmetatable(cdata) gives "ffi", as in LuaJIT, and setmetatable fails.
	mt.RawSetString("__metatable", lua.LString("ffi"))
	return mt
}

// newCTypeMeta builds the metatable of ctype objects: calling one is
// ffi.new, indexing one reads a struct's static const members.
func (m *Module) newCTypeMeta(L *lua.LState) *lua.LTable {
	mt := L.NewTable()
	set := func(name string, fn lua.LGFunction) { mt.RawSetString(name, L.NewFunction(fn)) }
	set("__call", func(L *lua.LState) int {
		// ct(...) is ffi.new(ct, ...): the ctype is already argument 1.
		return m.ffiNew(L)
	})
	set("__index", m.ctypeIndex)
	set("__tostring", func(L *lua.LState) int {
		t, _ := CTypeOf(L.Get(1))
		L.Push(lua.LString("ctype<" + t.String() + ">"))
		return 1
	})
	set("__eq", func(L *lua.LState) int {
		a, _ := CTypeOf(L.Get(1))
		b, _ := CTypeOf(L.Get(2))
		L.Push(lua.LBool(a != nil && b != nil && a.Equal(b)))
		return 1
	})
	set("__concat", m.concat)
	mt.RawSetString("__metatable", lua.LString("ffi"))
	return mt
}

// ctypeIndex reads a static const member of a struct type, e.g. BPF.LD
// for `struct bpf { static const int LD = 0x00; ... }`.
func (m *Module) ctypeIndex(L *lua.LState) int {
	t, _ := CTypeOf(L.Get(1))
	key := L.Get(2)
	if name, ok := key.(lua.LString); ok {
		if v, ok := t.Consts[string(name)]; ok {
			L.Push(lua.LNumber(v))
			return 1
		}
		L.RaiseError("'%s' has no member named '%s'", t, name)
	}
	L.RaiseError("'%s' cannot be indexed with '%s'", t, keyString(key))
	return 0
}

// cdataCall is __call: C function pointers cannot be called.
func (m *Module) cdataCall(L *lua.LState) int {
	c := m.checkCData(L, 1)
	L.RaiseError("'%s' is not callable", c.Type)
	return 0
}
