package runtime

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// mapFuzzScript makes a map of type MT with key type K and value type V
// (C declarations) and stores, reads, iterates and deletes through
// m[k] with the keys and values the fuzzer gives. Every map operation
// runs in pcall: bad keys and values are Lua errors, which are fine.
// SNAP() returns the map's entries as bytes; a value read and written
// back must leave them as they were, and so must a key read by pairs.
const mapFuzzScript = `
local ffi, bpf = require('ffi'), require('bpf')
local ok, m = pcall(function () return bpf.map(MT, 8, K ~= '' and ffi.typeof(K) or nil, V ~= '' and ffi.typeof(V) or nil) end)
if not ok or not m then return end
local function mk(kind, n, s)
	if kind == 0 then return n
	elseif kind == 1 then return s
	elseif kind == 2 then return n ~= 0
	elseif kind == 3 then return {n, n + 1, s}
	elseif kind == 4 then return {[s] = n, a = n, b = s}
	elseif kind == 5 then return ffi.new(K ~= '' and K or 'uint32_t')
	elseif kind == 6 then return ffi.new(V ~= '' and V or 'uint32_t', n)
	elseif kind == 7 then return ffi.new(s)
	elseif kind == 8 then return ffi.cast('uint64_t', n)
	elseif kind == 9 then return ffi.new('int64_t', n)
	end
	return nil
end
local okk, k = pcall(mk, KK, N, S)
local okv, v = pcall(mk, VK, N2, S2)
if not okk or not okv then return end
pcall(function () m[k] = v end)
pcall(function () return m[k] end)
pcall(function () m[v] = k end)
if pcall(function () m[k] = v end) then
	local before = SNAP(m)
	local got = m[k]
	if got ~= nil then
		m[k] = got
		if SNAP(m) ~= before then FAIL('storing back what m[k] read changed the map') end
	end
end
local before = SNAP(m)
pcall(function ()
	for key, val in pairs(m) do m[key] = val end
end)
if SNAP(m) ~= before then FAIL('storing back what pairs read changed the map') end
pcall(function () m[k] = nil end)
pcall(function () return #m, tostring(m), m.max_entries end)
`

// mapFuzzTypes are the map types the target makes (those whose entries
// userspace reads and writes).
var mapFuzzTypes = []string{"hash", "array", "percpu_hash", "percpu_array", "lru_hash", "lru_percpu_hash"}

// FuzzMapKeyValue runs random key and value types and random Lua keys
// and values through a map's m[k] = v, m[k], pairs(m) and m[k] = nil,
// in Compile mode (entries in memory, no kernel needed): none may panic
// or fail other than with a Lua error, and what userspace reads from a
// map stores back unchanged.
func FuzzMapKeyValue(f *testing.F) {
	seeds := []struct{ k, v string }{
		{"", ""}, {"uint32_t", "uint64_t"}, {"int32_t", "uint64_t"}, {"uint64_t [1]", "uint64_t [1]"},
		{"struct { uint32_t a; uint16_t b; }", "uint64_t"}, {"char [16]", "uint32_t"},
		{"uint32_t", "struct { char name[16]; int32_t stack_id; }"}, {"uint32_t", "struct { uint64_t pid; char str[80]; }"},
		{"int32_t", "struct { uint32_t n; bool b; double d; }"}, {"uint64_t", "int8_t [3]"},
	}
	for i, s := range seeds {
		f.Add(uint8(i), s.k, s.v, uint8(i), uint8(i+3), 6.0, "x", 1e15, "ab")
		f.Add(uint8(i+1), s.k, s.v, uint8(0), uint8(0), 17.0, "", -1.0, "uint32_t")
	}
	f.Fuzz(func(t *testing.T, mt uint8, k, v string, kk, vk uint8, n float64, s string, n2 float64, s2 string) {
		for _, decl := range []string{k, v, s, s2} {
			if hugeDecl(decl) {
				return
			}
		}
		rt := New(&Options{Stdout: io.Discard, Stderr: io.Discard, Mode: Compile})
		defer rt.Close()
		L := rt.L
		set := map[string]lua.LValue{
			"MT": lua.LString(mapFuzzTypes[int(mt)%len(mapFuzzTypes)]), "K": lua.LString(k), "V": lua.LString(v),
			"KK": lua.LNumber(kk % 11), "VK": lua.LNumber(vk % 11),
			"N": lua.LNumber(n), "S": lua.LString(s), "N2": lua.LNumber(n2), "S2": lua.LString(s2),
		}
		for name, val := range set {
			L.SetGlobal(name, val)
		}
		L.SetGlobal("SNAP", L.NewFunction(func(L *lua.LState) int {
			m := checkMap(L, 1)
			var b bytes.Buffer
			for _, key := range m.mem.keys() {
				val := m.mem.entries[string(key)]
				if m.mem.array && !bytes.ContainsFunc(val, func(r rune) bool { return r != 0 }) {
					continue // an array entry stored as 0 is one never written
				}
				b.Write(key)
				b.Write(val)
			}
			L.Push(lua.LString(b.String()))
			return 1
		}))
		L.SetGlobal("FAIL", L.NewFunction(func(L *lua.LState) int {
			t.Errorf("%s (map %s, key %q, value %q, kinds %d %d)", L.CheckString(1), set["MT"], k, v, kk%11, vk%11)
			return 0
		}))
		err := rt.RunString(context.Background(), "fuzz.lua", mapFuzzScript, nil)
		if err != nil {
			// Everything the script does that may fail is in pcall.
			t.Fatalf("the script failed: %v", err)
		}
	})
}

// hugeDecl reports whether decl parses to a type so large that making
// values of it only makes the fuzzer slow.
func hugeDecl(decl string) bool {
	t, err := ctype.NewRegistry(ctype.HostArch()).Parse(decl)
	return err == nil && t.Size > 1<<16
}

// TestCompileArrayKeySize is what FuzzMapKeyValue found first: in
// Compile mode an array map with 8-byte keys was made, and pairs(m) on
// it never ended (every key named no entry, and the next key after one
// was index 0 again). It is refused as the kernel refuses it, with nil
// and the reason.
func TestCompileArrayKeySize(t *testing.T) {
	var out strings.Builder
	rt := New(&Options{Stdout: &out, Mode: Compile})
	defer rt.Close()
	err := rt.RunString(context.Background(), "c.lua", compilePrelude+`
for _, typ in ipairs({'array', 'percpu_array'}) do
	local m, err = bpf.map(typ, 4, ffi.typeof('uint64_t [1]'))
	print(m, err)
end
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "nil\tcannot create the array map: array maps need 4-byte keys (uint32_t), not 8-byte ones\n" +
		"nil\tcannot create the percpu_array map: array maps need 4-byte keys (uint32_t), not 8-byte ones\n"
	if out.String() != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out.String(), want)
	}
}
