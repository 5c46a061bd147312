package ffi

import (
	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// Module is one VM's ffi state: its type registry, the metatables of cdata
// and ctypes, errno and the ffi.C functions.
type Module struct {
	reg       *ctype.Registry
	table     *lua.LTable
	cdataMeta *lua.LTable
	ctypeMeta *lua.LTable
	clib      *lua.LTable
	errno     int

	// Types used for results, resolved once.
	int64T, uint64T, charPtr, voidPtr *ctype.Type

	baseToString, baseToNumber lua.LGFunction

	boxes boxes // 64-bit integer cdata by value (intern.go)
}

// Open creates the ffi module for L over reg. It registers `ffi` and `bit`
// in package.preload, so require('ffi') and require('bit') work, sets the
// global `bit` as LuaJIT does, and replaces the globals tonumber and
// tostring with versions that understand cdata. In a state without the
// package library, `ffi` becomes a global instead.
func Open(L *lua.LState, reg *ctype.Registry) *Module {
	m := &Module{
		reg:     reg,
		int64T:  reg.MustParse("int64_t"),
		uint64T: reg.MustParse("uint64_t"),
		charPtr: reg.MustParse("char *"),
		voidPtr: reg.MustParse("void *"),
	}
	m.cdataMeta = m.newCDataMeta(L)
	m.ctypeMeta = m.newCTypeMeta(L)
	m.clib = m.newCLib(L)
	m.table = m.newTable(L)
	bit := newBitTable(L, m)
	preload(L, "ffi", m.table)
	preload(L, "bit", bit)
	L.SetGlobal("bit", bit)
	m.replaceBaseFunctions(L)
	return m
}

// preload makes require(name) return mod. Without the package library
// (a state opened with SkipOpenLibs) it sets a global instead.
func preload(L *lua.LState, name string, mod *lua.LTable) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		L.SetGlobal(name, mod)
		return
	}
	if _, ok := pkg.RawGetString("preload").(*lua.LTable); !ok {
		pkg.RawSetString("preload", L.NewTable())
	}
	L.PreloadModule(name, func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
}

// Table returns the ffi module table.
func (m *Module) Table() *lua.LTable { return m.table }

// Registry returns the type registry behind ffi.cdef and ffi.typeof.
func (m *Module) Registry() *ctype.Registry { return m.reg }

// newTable builds the ffi module table.
func (m *Module) newTable(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 22)
	for _, f := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{"new", m.ffiNew},
		{"typeof", m.ffiTypeof},
		{"cast", m.ffiCast},
		{"string", m.ffiString},
		{"copy", m.ffiCopy},
		{"fill", m.ffiFill},
		{"sizeof", m.ffiSizeof},
		{"alignof", m.ffiAlignof},
		{"offsetof", m.ffiOffsetof},
		{"istype", m.ffiIstype},
		{"cdef", m.ffiCdef},
		{"abi", m.ffiAbi},
		{"errno", m.ffiErrno},
		{"gc", m.ffiGc},
		{"metatype", m.ffiMetatype},
		{"load", m.ffiLoad},
		{"tonumber", m.luaToNumber},
		{"tostring", m.luaToString},
	} {
		t.RawSetString(f.name, L.NewFunction(f.fn))
	}
	t.RawSetString("C", m.clib)
	t.RawSetString("os", lua.LString("Linux"))
	arch := "x64"
	if m.reg.Arch() == ctype.ARM64 {
		arch = "arm64"
	}
	t.RawSetString("arch", lua.LString(arch))
	return t
}

// replaceBaseFunctions installs cdata-aware tonumber, tostring and
// string.format, keeping the originals for everything else.
func (m *Module) replaceBaseFunctions(L *lua.LState) {
	if f, ok := L.GetGlobal("tostring").(*lua.LFunction); ok && f.IsG {
		m.baseToString = f.GFunction
	}
	if f, ok := L.GetGlobal("tonumber").(*lua.LFunction); ok && f.IsG {
		m.baseToNumber = f.GFunction
	}
	L.SetGlobal("tostring", L.NewFunction(m.luaToString))
	L.SetGlobal("tonumber", L.NewFunction(m.luaToNumber))
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		// The string metatable's __index is this table, so s:format too.
		str.RawSetString("format", L.NewFunction(m.luaFormat))
	}
}
