package runtime

import (
	"encoding/binary"
	"testing"
)

// The kernel functions of the original toolkit's code generator tests
// (its codegen spec), each run on a UDP frame: the original checked
// only the instructions it emitted, so these check what a script
// notices, the value the function returns.

// TestOriginalCodegenConstants covers the spec's constant cases.
func TestOriginalCodegenConstants(t *testing.T) {
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "dead store", body: "local proto = 5", want: 0},
		{name: "constant", body: "return 5", want: 5},
		{name: "wider than 32 bits", body: "return 4294967295", want: 0xffffffff},
		{name: "ULL", body: "return 5ULL", want: 5},
		{name: "LL", body: "return 5LL", want: 5},
		{name: "hex", body: "return 0x00005", want: 5},
		{name: "through a local", body: "local proto = 5\nreturn proto", want: 5},
		{name: "folded", body: "return 2 + 3 - 0", want: 5},
		{name: "folded if", body: "local proto = 5\nif proto == 5 then proto = 1 end\nreturn proto", want: 1},
		{name: "if false", body: "local proto = 5\nif false then proto = 1 end\nreturn proto", want: 5},
	})
}

// TestOriginalCodegenVariables covers the spec's packet, context and
// stack memory cases.
func TestOriginalCodegenVariables(t *testing.T) {
	f := frameUDP4
	payload := 14 + 20 + 8
	runRetCases(t, "local kv_t = 'struct { uint64_t a; uint64_t b; }'", f, []retCase{
		{name: "tos", body: "return eth.ip.tos", want: uint32(f[15])},
		// Network order, as the original's load and byte swap give it.
		{name: "src_port", body: "return eth.ip.udp.src_port", want: uint32(binary.LittleEndian.Uint16(f[34:]))},
		{name: "data pointer", body: "local ptr = eth.ip.udp.data + 1\nreturn ptr[0]", want: uint32(f[payload+1])},
		{name: "data slice", body: "local ptr = eth.ip.udp.data\nreturn ptr(1, 5)", want: binary.BigEndian.Uint32(f[payload+1:])},
		{name: "skb.len", body: "return skb.len", want: uint32(len(f))},
		{name: "skb.data offset", body: "local ptr = skb.data + 5\nreturn ptr[0]", want: uint32(f[5])},
		{name: "skb.data bound", body: "local ptr = skb.data + 5\nif ptr < skb.data_end then return ptr[0] end", want: uint32(f[5])},
		{name: "byte array const", body: "local mem = ffi.new('uint8_t [16]')\nmem[0] = 5\nreturn mem[0]", want: 5},
		{name: "byte array packet value", body: "local mem = ffi.new('uint8_t [7]')\nmem[0] = eth.ip.tos\nreturn mem[0]", want: uint32(f[15])},
		// tos is 16, past the end of the array: not written.
		{name: "byte array packet index", body: "local mem = ffi.new('uint8_t [1]')\nmem[eth.ip.tos] = 5\nreturn mem[0]", want: 0},
		{name: "byte array packet index and value", body: "local mem = ffi.new('uint8_t [32]')\nlocal v = eth.ip.tos\nmem[v] = v\nreturn mem[16]", want: uint32(f[15])},
		{name: "struct stores", body: "local mem = ffi.new(kv_t)\nmem.a = 5\nmem.b = eth.ip.tos\nreturn mem.a + mem.b", want: 5 + uint32(f[15])},
		{name: "struct to struct", body: "local m1 = ffi.new(kv_t)\nlocal m2 = ffi.new(kv_t)\nm1.a = 5\nm2.b = m1.a\nreturn m2.b", want: 5},
	})
}

// TestOriginalCodegenControlFlow covers the spec's conditions (tos is
// 16 in the frame).
func TestOriginalCodegenControlFlow(t *testing.T) {
	runRetCases(t, "local cdata = 2ULL", frameUDP4, []retCase{
		{name: "constant return", body: "local v = eth.ip.tos\nif v then return 1 else return 0 end", want: 1},
		{name: "cdata return", body: "local v = eth.ip.tos\nif v then return cdata + 1 else return 0 end", want: 3},
		{name: "inverse", body: "local v = eth.ip.tos\nif not v then return 1 else return 0 end", want: 0},
		{name: "mutation", body: "local v = 0\nif eth.ip.tos then v = 1 end\nreturn v", want: 1},
		{name: "nil mutation", body: "local v\nif eth.ip.tos then v = 1 else v = 0 end\nreturn v", want: 1},
		{name: "nested", body: "local v = 0\nlocal tos = eth.ip.tos\nif tos then if tos > 5 then v = 5 else v = 1 end end\nreturn v", want: 5},
		{name: "shadowing", body: "local v = 0\nlocal tos = eth.ip.tos\nif tos then\nlocal v = 0\nif tos > 5 then v = 5 end\nelse v = 1 end\nreturn v", want: 0},
		{name: "shadow at end of block", body: "local v = time()\nlocal v1 = 0\nif eth.ip.tos then v1 = v end\nreturn v1 ~= 0", want: 1},
	})
}

// TestOriginalCodegenArrayMap covers the spec's array map cases: after
// each run the test reads the map from userspace.
func TestOriginalCodegenArrayMap(t *testing.T) {
	const prelude = "array_map = bpf.map('array', 256)\narray_map[1] = 7"
	for _, tc := range []struct {
		name, body string
		ret        uint32
		want       map[any]string
	}{
		{"const key load", "return array_map[1]", 7, nil},
		{"packet key load", "array_map[16] = 9\nreturn array_map[eth.ip.tos]", 9, nil},
		{"const store", "array_map[0] = 5", 0, map[any]string{0: "5"}},
		{"packet value", "array_map[0] = eth.ip.tos", 0, map[any]string{0: "16"}},
		{"map value", "array_map[0] = array_map[1]", 0, map[any]string{0: "7"}},
		{"replace", "local val = array_map[1]\nif val then val[0] = val[0] + 1 else array_map[1] = 5 end", 0, map[any]string{1: "8"}},
		{"replace xadd", "local val = array_map[1]\nif val then xadd(val, 1) else array_map[1] = 5 end", 0, map[any]string{1: "8"}},
		{"replace xadd inverse", "local val = array_map[1]\nif not val then array_map[1] = 5 else xadd(val, 1) end", 0, map[any]string{1: "8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, prog := loadFilter(t, filterScript(prelude, tc.body))
			if got := run(t, prog, frameUDP4, nil); got != tc.ret {
				t.Errorf("returned %d, want %d", got, tc.ret)
			}
			wantMap(t, rt, "array_map", tc.want)
		})
	}
}

// TestOriginalCodegenStructMap covers the spec's struct key and value
// cases, on a hash map: the kernel's array maps take 4-byte keys only.
func TestOriginalCodegenStructMap(t *testing.T) {
	const prelude = `kv_t = 'struct { uint64_t a; uint64_t b; }'
array_map = bpf.map('hash', 256, ffi.typeof(kv_t), ffi.typeof(kv_t))
local k = ffi.new(kv_t, 2, 3)
array_map[k] = ffi.new(kv_t, 40, 41)
k.a, k.b = 16, 0
array_map[k] = ffi.new(kv_t, 50, 51)`
	for _, tc := range []struct {
		name, body string
		ret        uint32
		check      string // a Lua expression that must be true afterwards
	}{
		{"stack key load", "local key = ffi.new(kv_t)\nkey.a = 2\nkey.b = 3\nlocal val = array_map[key]\nif val then return val.a end", 40, ""},
		{"stack key store", "local key = ffi.new(kv_t)\nkey.a = 4\nkey.b = 5\narray_map[key] = key", 0, "tonumber(array_map[ffi.new(kv_t, 4, 5)].b) == 5"},
		{"packet key, const value", "local key = ffi.new(kv_t)\nkey.a = eth.ip.tos\nlocal val = array_map[key]\nif val then val.a = 5 end", 0, "tonumber(array_map[ffi.new(kv_t, 16, 0)].a) == 5"},
		{"packet key, map value", "local key = ffi.new(kv_t)\nkey.a = eth.ip.tos\nlocal val = array_map[key]\nif val then val.a = val.b end", 0, "tonumber(array_map[ffi.new(kv_t, 16, 0)].a) == 51"},
		{"packet key, stack value", "local key = ffi.new(kv_t)\nkey.a = eth.ip.tos\nkey.b = 7\nlocal val = array_map[key]\nif val then val.a = key.b end", 0, "array_map[ffi.new(kv_t, 16, 7)] == nil"},
		{"packet key replace", "local key = ffi.new(kv_t)\nkey.a = eth.ip.tos\nkey.b = 7\nlocal val = array_map[key]\nif val then val.a = key.b else array_map[key] = key end", 0, "tonumber(array_map[ffi.new(kv_t, 16, 7)].a) == 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, prog := loadFilter(t, filterScript(prelude, tc.body))
			if got := run(t, prog, frameUDP4, nil); got != tc.ret {
				t.Errorf("returned %d, want %d", got, tc.ret)
			}
			if tc.check != "" {
				if got := eval(t, rt, "local ffi = require('ffi')\nreturn tostring("+tc.check+")"); got != "true" {
					t.Errorf("%s is %s after the run", tc.check, got)
				}
			}
		})
	}
}
