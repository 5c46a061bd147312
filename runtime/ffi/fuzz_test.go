package ffi

import (
	"math"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// fuzzHelpers are Lua functions the fuzz target calls in protected mode,
// so that Lua errors come back as errors and Go panics can be told apart.
const fuzzHelpers = `
local ffi = require('ffi')
return {
	typeof = function(s) return ffi.typeof(s) end,
	new = function(s, ...) return ffi.new(s, ...) end,
	sizeof = function(s, n) return ffi.sizeof(s, n) end,
	offsetof = function(s, k) return ffi.offsetof(s, k) end,
	cast = function(s, v) return ffi.cast(s, v) end,
	get = function(c, k) return c[k] end,
	set = function(c, k, v) c[k] = v end,
	str = function(c, n) return ffi.string(c, n) end,
	copy = function(c, s) return ffi.copy(c, s) end,
	len = function(c) return #c end,
	add = function(a, b) return a + b end,
	lt = function(a, b) return a < b end,
	eq = function(a, b) return a == b end,
	tostring = function(c) return tostring(c) end,
	tonumber = function(c) return tonumber(c) end,
	cdef = function(s) return ffi.cdef(s) end,
	bit = function(a, b) return bit.band(a, b), bit.tohex(a), bit.lshift(a, b) end,
}
`

// FuzzFFI runs random type strings through ffi.typeof, ffi.new and
// operations on the result. Lua errors are fine; a Go panic (recovered by
// gopher-lua as ApiErrorPanic) fails.
func FuzzFFI(f *testing.F) {
	for _, s := range []string{
		"uint32_t", "char [40]", "uint8_t[?]", "char *", "const char *", "struct { char name[16]; int32_t stack_id; }",
		"struct { uint64_t pid; char str[80]; }", "unsigned long long", "int (*)[3]", "union { int i; char c[3]; }",
		"struct { int a:3; int :0; uint64_t b:61; } __attribute__((packed))", "struct { uint32_t n; uint8_t d[?]; }",
		"int [2][3]", "bool", "double", "void", "void *", "struct s { int x; }", "$", "int [?][2]", "enum { A, B }",
	} {
		f.Add(s, "x", 3.0, "ab")
		f.Add(s, "0", -1.0, "")
	}
	// Sizes past ffi.new's limit and past the largest C type.
	for _, s := range []string{
		"char [1000000000000]", "char [2000000000]", "char [65536][32767]", "char [65536][32768]",
		"uint64_t [2305843009213693952]", "char [4611686018427387904][4]", "struct { char a[1000000000000]; }",
		"struct { int n; char d[2147483640]; }", "char [0x7fffffffffffffff]", "char [0xffffffffffffffff]",
	} {
		f.Add(s, "0", 1.0, "")
	}
	for _, s := range []string{"uint8_t[?]", "uint64_t [?]", "char [?][1000000]", "struct { int n; char d[?]; }"} {
		f.Add(s, "0", 1e12, "")
		f.Add(s, "0", 268435457.0, "")
		f.Add(s, "0", 9e18, "")
		f.Add(s, "0", 1e300, "")
	}
	f.Fuzz(func(t *testing.T, typ, key string, num float64, str string) {
		L, m, _ := newState(t)
		if err := L.DoString(fuzzHelpers); err != nil {
			t.Fatal(err)
		}
		h := L.Get(-1).(*lua.LTable)
		ty, perr := m.Registry().Parse(typ)
		// A type or element count past ffi.new's limit must give its
		// error, allocating nothing, and sizeof nil or the exact size.
		vlaHuge := perr == nil && ty.IsVLA() && num == math.Trunc(num) && !math.IsInf(num, 0) && vlaBytes(ty, num) > maxAlloc
		if perr == nil && ty.Size > maxAlloc || vlaHuge {
			checkHuge(t, L, h, lua.LString(typ), lua.LNumber(num))
		}
		// Keep allocations small: huge arrays and element counts only
		// make the fuzzer slow.
		if num > 1e4 || num < -1e4 || math.IsNaN(num) {
			num = math.Mod(num, 1e4)
		}
		if perr == nil && ty.Size > 1<<16 {
			return
		}
		call := func(name string, args ...lua.LValue) lua.LValue {
			err := L.CallByParam(lua.P{Fn: h.RawGetString(name), NRet: 1, Protect: true}, args...)
			if isGoPanic(err) {
				t.Fatalf("%s(%v): Go panic: %v", name, args, err)
			}
			if err != nil {
				return lua.LNil
			}
			return L.Get(-1)
		}
		s, n, k := lua.LString(typ), lua.LNumber(num), lua.LString(key)
		call("cdef", s)
		call("typeof", s)
		call("sizeof", s)
		call("offsetof", s, k)
		values := []lua.LValue{call("new", s), call("new", s, n), call("new", s, lua.LString(str)), call("cast", s, n), n, lua.LString(str)}
		for _, c := range values {
			call("tostring", c)
			call("tonumber", c)
			call("len", c)
			call("get", c, k)
			call("get", c, n)
			call("set", c, k, n)
			call("set", c, n, lua.LString(str))
			call("str", c)
			call("str", c, n)
			call("copy", c, lua.LString(str))
			call("bit", c, n)
			for _, d := range values {
				call("add", c, d)
				call("lt", c, d)
				call("eq", c, d)
			}
		}
	})
}

// checkHuge checks ffi.new and ffi.sizeof on a type (with element count
// n for a VLA) larger than ffi.new allocates.
func checkHuge(t *testing.T, L *lua.LState, h *lua.LTable, typ, n lua.LValue) {
	t.Helper()
	err := L.CallByParam(lua.P{Fn: h.RawGetString("new"), NRet: 1, Protect: true}, typ, n)
	if err == nil || isGoPanic(err) || !strings.Contains(err.Error(), "-byte limit") {
		t.Fatalf("new(%v, %v): %v, want the size limit error", typ, n, err)
	}
	err = L.CallByParam(lua.P{Fn: h.RawGetString("sizeof"), NRet: 1, Protect: true}, typ, n)
	if err != nil {
		t.Fatalf("sizeof(%v, %v): %v", typ, n, err)
	}
	size := L.Get(-1)
	L.Pop(1)
	if sz, ok := size.(lua.LNumber); size != lua.LNil && (!ok || sz <= maxAlloc || sz > maxTypeSize) {
		t.Fatalf("sizeof(%v, %v) = %v, want nil or a size past the limit", typ, n, size)
	}
}
