package ffi

import (
	"bytes"
	"math"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// marshalSeedTypes are key and value types of the shipped examples and
// the seed scripts, and the shapes the converter handles differently.
var marshalSeedTypes = []string{
	"uint32_t", "uint64_t", "int32_t", "int64_t", "uint16_t", "int8_t", "char", "bool", "float", "double",
	"uint64_t [1]", "uint32_t [1]", "char [16]", "char [40]", "int [2][3]", "void *", "const char *",
	"struct { uint32_t a; uint16_t b; }", "struct { char name[16]; int32_t stack_id; }",
	"struct { uint64_t pid; char str[80]; }", "struct { uint32_t pid; uint64_t ts; char comm[16]; }",
	"union { int i; char c[3]; }", "struct { int a:3; int :0; uint64_t b:61; } __attribute__((packed))",
	"enum { A, B = 5 }", "struct { bool b; float f; double d; int8_t c; }", "struct { struct { uint8_t x; } in[2]; }",
}

// marshalMax bounds the types the marshalling target tries: larger ones
// only make it slow.
const marshalMax = 1 << 12

// FuzzMarshal checks the conversions map keys and values go through
// (FromLua on m[k] = v, ToLua on m[k]) over random C types and random
// Lua values: neither panics, FromLua writes nothing beyond the type's
// size, and bytes read into Lua and stored back come out the same, so a
// value read from a map and written back does not change.
func FuzzMarshal(f *testing.F) {
	for i, s := range marshalSeedTypes {
		f.Add(s, uint8(i), 3.0, "ab", []byte{1, 2, 3, 4, 5, 6, 7, 8})
		f.Add(s, uint8(i+4), -1.0, "uint32_t", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	}
	f.Fuzz(func(t *testing.T, typ string, kind uint8, num float64, str string, raw []byte) {
		L, m, _ := newState(t)
		ty, err := m.Registry().Parse(typ)
		if err != nil || ty.Size <= 0 || ty.Size > marshalMax {
			return
		}
		v := fuzzValue(L, m, ty, kind, num, str, raw)

		// Lua to bytes, with guard bytes after the value.
		const guard = 16
		buf := bytes.Repeat([]byte{0xa5}, ty.Size+guard)
		err = protect(t, "FromLua", func() error { return m.FromLua(L, ty, v, buf) })
		if !bytes.Equal(buf[ty.Size:], bytes.Repeat([]byte{0xa5}, guard)) {
			t.Fatalf("FromLua(%s, %s) wrote beyond the %d bytes of the type: % x", ty, valueTypeName(v), ty.Size, buf[ty.Size:])
		}
		if err == nil {
			roundTrip(t, L, m, ty, buf[:ty.Size], true)
		}

		// Bytes as a map holds them (any pattern) to Lua and back.
		mem := make([]byte, ty.Size)
		for i := range mem {
			if len(raw) > 0 {
				mem[i] = raw[i%len(raw)]
			}
		}
		roundTrip(t, L, m, ty, mem, false)
	})
}

// roundTrip reads mem as type ty into Lua and stores the result into
// fresh memory, which must then hold the same bytes. stored says mem
// came from FromLua, so booleans are already 0 or 1.
func roundTrip(t *testing.T, L *lua.LState, m *Module, ty *ctype.Type, mem []byte, stored bool) {
	t.Helper()
	var lv lua.LValue
	_ = protect(t, "ToLua", func() error { lv = m.ToLua(L, ty, mem); return nil })
	out := make([]byte, ty.Size)
	if err := protect(t, "FromLua", func() error { return m.FromLua(L, ty, lv, out) }); err != nil {
		t.Fatalf("% x read as %s gives %s, which does not store back: %v", mem, ty, valueTypeName(lv), err)
	}
	switch {
	case ty.Kind == ctype.Float:
		a, b := loadScalar(ty, mem).float(), loadScalar(ty, out).float()
		if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("%s % x reads as %v and stores back as % x", ty, mem, lv, out)
		}
	case ty.Kind == ctype.Bool && !stored:
		if (loadScalar(ty, mem).isZero()) != (loadScalar(ty, out).isZero()) {
			t.Fatalf("%s % x reads as %v and stores back as % x", ty, mem, lv, out)
		}
	default:
		// Integers, pointers, and records and arrays (copied whole).
		if !bytes.Equal(mem, out) {
			t.Fatalf("%s % x reads as %v and stores back as % x", ty, mem, lv, out)
		}
	}
}

// protect runs fn, turning a Go panic into a test failure and a Lua
// error raised by L.RaiseError (which panics) into an ordinary error.
func protect(t *testing.T, what string, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(*lua.ApiError); ok {
				err = r.(*lua.ApiError)
				return
			}
			t.Fatalf("%s panicked: %v", what, r)
		}
	}()
	return fn()
}

// fuzzValue makes a Lua value of the kind a script might store into a
// key or value of type ty.
func fuzzValue(L *lua.LState, m *Module, ty *ctype.Type, kind uint8, num float64, str string, raw []byte) lua.LValue {
	n, s := lua.LNumber(num), lua.LString(str)
	switch kind % 11 {
	case 0:
		return n
	case 1:
		return s
	case 2:
		return lua.LBool(num != 0)
	case 3:
		return lua.LNil
	case 4:
		tab := L.NewTable()
		tab.Append(n)
		tab.Append(n + 1)
		tab.Append(s)
		return tab
	case 5:
		tab := L.NewTable()
		for _, f := range ty.Fields {
			if f.Name != "" {
				tab.RawSetString(f.Name, n)
			}
		}
		tab.RawSetString(str, n)
		return tab
	case 6:
		ud := m.NewCData(L, ty)
		c := ud.Value.(*CData)
		for i := range c.Mem {
			if len(raw) > 0 {
				c.Mem[i] = raw[i%len(raw)]
			}
		}
		return ud
	case 7:
		if other, err := m.Registry().Parse(str); err == nil && other.Size > 0 && other.Size <= marshalMax {
			return m.NewCData(L, other)
		}
		return s
	case 8:
		return m.Int64(L, math.Float64bits(num), num < 0)
	case 9:
		tab := L.NewTable()
		inner := L.NewTable()
		inner.Append(n)
		tab.Append(inner)
		tab.Append(s)
		return tab
	default:
		if p, err := m.Registry().Parse("void *"); err == nil {
			ud := m.NewCData(L, p)
			copy(ud.Value.(*CData).Mem, raw)
			return ud
		}
	}
	return lua.LNil
}
