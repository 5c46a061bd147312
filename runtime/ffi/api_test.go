package ffi

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

func TestGoAPI(t *testing.T) {
	L, m, _ := newState(t)
	reg := m.Registry()
	if err := reg.Define("struct kv { uint32_t k; uint64_t v; char name[8]; struct { uint16_t a:4, b:12; } bits; };"); err != nil {
		t.Fatal(err)
	}
	kv := reg.MustParse("struct kv")

	ud := m.NewCData(L, kv)
	c, ok := CDataOf(ud)
	if !ok || c.Type != kv || len(c.Mem) != kv.Size {
		t.Fatalf("NewCData = %+v", c)
	}
	if _, ok := CDataOf(lua.LNumber(1)); ok {
		t.Error("CDataOf(number) succeeded")
	}
	if typ, ok := CTypeOf(m.WrapCType(L, kv)); !ok || typ != kv {
		t.Errorf("CTypeOf(WrapCType) = %v, %v", typ, ok)
	}
	if _, ok := CTypeOf(ud); ok {
		t.Error("CTypeOf(cdata) succeeded")
	}

	// FromLua into the whole struct, from a table.
	tab := L.NewTable()
	tab.RawSetString("k", lua.LNumber(7))
	tab.RawSetString("v", m.box(L, 1<<60, true))
	tab.RawSetString("name", lua.LString("abc"))
	if err := m.FromLua(L, kv, tab, c.Mem); err != nil {
		t.Fatal(err)
	}
	f, _ := kv.Field("v")
	if got := m.ToLua(L, f.Type, c.Mem[f.Offset:]); L.ToStringMeta(got).String() != "1152921504606846976ULL" {
		t.Errorf("v = %s", got)
	}
	f, _ = kv.Field("k")
	if got := m.ToLua(L, f.Type, c.Mem[f.Offset:]); got != lua.LNumber(7) {
		t.Errorf("k = %v", got)
	}
	f, _ = kv.Field("name")
	name := m.ToLua(L, f.Type, c.Mem[f.Offset:])
	nc, _ := CDataOf(name)
	nc.Mem[0] = 'X'
	if c.Mem[f.Offset] != 'X' {
		t.Error("array read from a struct does not share its memory")
	}

	// Errors say what was expected.
	u32 := reg.MustParse("uint32_t")
	if err := m.FromLua(L, u32, lua.LString("x"), make([]byte, 4)); err == nil || err.Error() != "cannot convert 'string' to 'uint32_t'" {
		t.Errorf("FromLua(string) error = %v", err)
	}
	if err := m.FromLua(L, u32, lua.LNumber(1), make([]byte, 2)); err == nil {
		t.Error("FromLua into short memory succeeded")
	}
	if err := m.FromLua(L, reg.MustParse("int [?]"), L.NewTable(), make([]byte, 8)); err == nil ||
		err.Error() != "cannot store a value of type 'int [?]', whose size is unknown" {
		t.Errorf("FromLua(VLA) error = %v", err)
	}

	// TypeOf accepts ctypes, cdata and strings.
	for _, v := range []lua.LValue{m.WrapCType(L, kv), ud, lua.LString("struct kv")} {
		if typ, err := m.TypeOf(L, v); err != nil || typ != kv {
			t.Errorf("TypeOf(%v) = %v, %v", v, typ, err)
		}
	}
	if _, err := m.TypeOf(L, lua.LString("nosuch_t")); err == nil {
		t.Error("TypeOf(unknown) succeeded")
	}

	// WrapCData of existing memory shares it with Lua.
	mem := make([]byte, 4)
	L.SetGlobal("w", m.WrapCData(L, &CData{Type: reg.MustParse("uint8_t [4]"), Mem: mem}))
	if err := L.DoString("w[2] = 9"); err != nil {
		t.Fatal(err)
	}
	if mem[2] != 9 {
		t.Errorf("mem = %v", mem)
	}
	if m.Table().RawGetString("new").Type() != lua.LTFunction {
		t.Error("Table() has no new")
	}
}

func TestToLuaKinds(t *testing.T) {
	L, m, _ := newState(t)
	reg := m.Registry()
	tests := []struct {
		typ  string
		mem  []byte
		want string
	}{
		{"int8_t", []byte{0xff}, "-1"},
		{"uint16_t", []byte{0x34, 0x12}, "4660"},
		{"int32_t", []byte{0xfe, 0xff, 0xff, 0xff}, "-2"},
		{"uint32_t", []byte{0xff, 0xff, 0xff, 0xff}, "4294967295"},
		{"int64_t", []byte{0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "-5LL"},
		{"uint64_t", []byte{1, 0, 0, 0, 0, 0, 0, 0x80}, "9223372036854775809ULL"},
		{"bool", []byte{1}, "true"},
		{"float", []byte{0, 0, 0xc0, 0x3f}, "1.5"},
		{"double", []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f}, "1.5"},
		{"char *", []byte{0x34, 0x12, 0, 0, 0, 0, 0, 0}, "cdata<char *>: 0x00001234"},
		{"void", nil, "nil"},
	}
	for _, tc := range tests {
		v := m.ToLua(L, reg.MustParse(tc.typ), tc.mem)
		if got := L.ToStringMeta(v).String(); got != tc.want {
			t.Errorf("ToLua(%s, %v) = %s, want %s", tc.typ, tc.mem, got, tc.want)
		}
	}
	arr := m.ToLua(L, reg.MustParse("uint8_t [2]"), []byte{1, 2, 3})
	if c, ok := CDataOf(arr); !ok || len(c.Mem) != 2 || !strings.HasPrefix(c.String(), "cdata<uint8_t [2]>: 0x") {
		t.Errorf("ToLua(array) = %v", arr)
	}
}

func TestOpenRegistersModules(t *testing.T) {
	L, _, out := newState(t)
	err := L.DoString(`
		local ffi = require('ffi')
		print(type(ffi), type(require('bit')), type(bit), ffi == require('ffi'))
		print(type(ffi.new), type(ffi.C), ffi.os, getmetatable(ffi.new('int')))`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out(), "table table table true\nfunction table Linux ffi"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	L2 := lua.NewState()
	defer L2.Close()
	m := Open(L2, ctype.NewRegistry(ctype.ARM64))
	if m.Table().RawGetString("arch").String() != "arm64" {
		t.Error("arch on arm64 registry is not arm64")
	}
	L3 := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L3.Close()
	m = Open(L3, ctype.NewRegistry(ctype.AMD64))
	if L3.GetGlobal("ffi") != m.Table() || L3.GetGlobal("bit").Type() != lua.LTTable {
		t.Error("without the package library, ffi and bit are not globals")
	}
}
