package ffi

import (
	"fmt"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// ToLua converts the memory of one value of type t the way LuaJIT does
// when a script reads a field or an element: integers of up to 32 bits and
// floats become Lua numbers, bool a Lua boolean, 64-bit integers a boxed
// 64-bit cdata (exact), pointers a pointer cdata, and structs, unions and
// arrays a cdata that shares mem.
//
// mem must hold t.Size bytes.
func (m *Module) ToLua(L *lua.LState, t *ctype.Type, mem []byte) lua.LValue {
	switch t.Kind {
	case ctype.Int:
		if is64(t) {
			return m.box(L, loadUint(mem, 8), !t.Signed)
		}
		return lua.LNumber(loadScalar(t, mem).float())
	case ctype.Float:
		return lua.LNumber(loadScalar(t, mem).float())
	case ctype.Bool:
		return lua.LBool(!loadScalar(t, mem).isZero())
	case ctype.Pointer:
		return m.WrapCData(L, rawPointer(t, loadUint(mem, 8)))
	case ctype.Struct, ctype.Union, ctype.Array:
		size := max(t.Size, 0)
		return m.WrapCData(L, &CData{Type: t, Mem: mem[:size:size]})
	}
	return lua.LNil
}

// FromLua stores v into mem as type t, converting as LuaJIT does on
// assignment: a Lua number to an integer (truncating) or float, a boolean,
// a numeric cdata (64-bit ones exactly), a cdata of the same struct, union
// or array type (copied), a Lua string into a char array (copied,
// NUL-terminated if there is room), a Lua table into an array, struct or
// union (as an initializer), pointers from pointer, array, struct or
// string values, and an enum from the name of one of its constants. The
// error says what was expected.
func (m *Module) FromLua(L *lua.LState, t *ctype.Type, v lua.LValue, mem []byte) error {
	if t.Size < 0 || t.Incomplete || t.Kind == ctype.Void || t.Kind == ctype.Func {
		return fmt.Errorf("cannot store a value of type '%s', whose size is unknown", t)
	}
	if t.Size > len(mem) {
		return fmt.Errorf("cannot store '%s' in %d bytes", t, len(mem))
	}
	switch t.Kind {
	case ctype.Int, ctype.Bool, ctype.Float:
		s, ok := toScalar(v)
		if name, isStr := v.(lua.LString); isStr && strings.HasPrefix(t.Name, "enum ") {
			var k int64
			k, ok = m.reg.Const(string(name))
			s = intScalar(k)
		}
		if !ok {
			return convError(v, t)
		}
		storeScalar(t, mem, s)
		return nil
	case ctype.Pointer:
		p, err := m.toPointer(t, v, false)
		if err != nil {
			return err
		}
		copy(mem, p.Mem)
		return nil
	case ctype.Array:
		return m.storeArray(L, t, v, mem)
	case ctype.Struct, ctype.Union:
		if c, ok := CDataOf(v); ok && c.Type.Kind == t.Kind && sameRecord(c.Type, t) {
			copy(mem[:t.Size], c.Mem)
			return nil
		}
		if tab, ok := v.(*lua.LTable); ok {
			clear(mem[:t.Size])
			return m.initRecordTable(L, t, tab, mem)
		}
	}
	return convError(v, t)
}

// sameRecord reports whether two struct or union types are the same, a
// typedef'd copy of an anonymous record included. Unlike LuaJIT, an
// anonymous record also converts to and from any record with the same
// members at the same places: a script that spells its key type as a
// string gets a new type from each ffi.typeof(s) and ffi.new(s), and
// `m[ffi.new(s, ...)]` on a map made with ffi.typeof(s) should work.
func sameRecord(a, b *ctype.Type) bool {
	if a == b || a.Equal(b) {
		return true
	}
	return (a.Name == "" || b.Name == "") && sameLayout(a, b)
}

// sameLayout reports whether two records have the same size, alignment
// and members (names, places, bitfields and types).
func sameLayout(a, b *ctype.Type) bool {
	if a.Kind != b.Kind || a.Size != b.Size || a.Align != b.Align || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i, f := range a.Fields {
		g := b.Fields[i]
		if f.Name != g.Name || f.Offset != g.Offset || f.BitOffset != g.BitOffset || f.BitSize != g.BitSize {
			return false
		}
		if !f.Type.Equal(g.Type) && !(f.Type.Kind == g.Type.Kind && (f.Type.Kind == ctype.Struct || f.Type.Kind == ctype.Union) && sameRecord(f.Type, g.Type)) {
			return false
		}
	}
	return true
}

// storeArray assigns to an array: from an array cdata of the same type, a
// Lua string for byte arrays, or a Lua table.
func (m *Module) storeArray(L *lua.LState, t *ctype.Type, v lua.LValue, mem []byte) error {
	switch x := v.(type) {
	case lua.LString:
		if isByte(t.Elem) {
			clear(mem[:t.Size])
			n := copy(mem[:t.Size], x)
			if n < t.Size {
				mem[n] = 0
			}
			return nil
		}
	case *lua.LTable:
		clear(mem[:t.Size])
		return m.initArrayTable(L, t, x, mem)
	}
	if c, ok := CDataOf(v); ok && c.Type.Kind == ctype.Array && c.Type.Elem.Equal(t.Elem) && c.Type.Len == t.Len {
		copy(mem[:t.Size], c.Mem)
		return nil
	}
	return convError(v, t)
}

// isByte reports whether t is a one-byte integer: char, int8_t, uint8_t.
func isByte(t *ctype.Type) bool {
	return t != nil && t.Kind == ctype.Int && t.Size == 1
}

// toScalar converts a Lua number, boolean or numeric cdata to a scalar.
func toScalar(v lua.LValue) (scalar, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return floatScalar(float64(x)), true
	case lua.LBool:
		if x {
			return uintScalar(1), true
		}
		return uintScalar(0), true
	}
	if c, ok := CDataOf(v); ok && isNumeric(c.Type) {
		return loadScalar(c.Type, c.Mem), true
	}
	return scalar{}, false
}

// toPointer converts v to a pointer of type t. An explicit cast also
// accepts numbers and integer cdata as addresses and any pointer type;
// an implicit conversion needs compatible element types.
func (m *Module) toPointer(t *ctype.Type, v lua.LValue, cast bool) (*CData, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return rawPointer(t, 0), nil
	case lua.LNumber:
		if cast {
			return rawPointer(t, uint64(floatToInt64(float64(x)))), nil
		}
	case lua.LString:
		if t.Elem.Kind == ctype.Void || isByte(t.Elem) {
			b := make([]byte, len(x)+1)
			copy(b, x)
			return newPointer(t, b, 0), nil
		}
	}
	c, ok := CDataOf(v)
	if !ok {
		return nil, convError(v, t)
	}
	var elem *ctype.Type
	switch c.Type.Kind {
	case ctype.Pointer:
		elem = c.Type.Elem
	case ctype.Array:
		elem = c.Type.Elem
	case ctype.Struct, ctype.Union:
		elem = c.Type
	case ctype.Int, ctype.Bool:
		if cast {
			return rawPointer(t, loadScalar(c.Type, c.Mem).uint64()), nil
		}
		return nil, convError(v, t)
	default:
		return nil, convError(v, t)
	}
	if !cast && !compatible(t.Elem, elem) {
		return nil, convError(v, t)
	}
	if c.Type.Kind == ctype.Pointer {
		p := rawPointer(t, c.Address())
		p.target, p.offset = c.target, c.offset
		return p, nil
	}
	return newPointer(t, c.Mem, 0), nil
}

// compatible reports whether a pointer to src converts to a pointer to dst
// without a cast: void pointers convert both ways, otherwise the pointed-to
// types must match.
func compatible(dst, src *ctype.Type) bool {
	return dst.Kind == ctype.Void || src.Kind == ctype.Void || dst.Equal(src) ||
		(dst.Kind == ctype.Array && src.Kind == ctype.Array && dst.Elem.Equal(src.Elem))
}

// convError is LuaJIT's "cannot convert 'X' to 'T'".
func convError(v lua.LValue, t *ctype.Type) error {
	return fmt.Errorf("cannot convert '%s' to '%s'", valueTypeName(v), t)
}

// valueTypeName names what a Lua value is in error messages: the C type
// of a cdata, the Lua type otherwise.
func valueTypeName(v lua.LValue) string {
	if c, ok := CDataOf(v); ok {
		return c.Type.String()
	}
	if _, ok := CTypeOf(v); ok {
		return "ctype"
	}
	return v.Type().String()
}

// TypeOf resolves what ffi.new, ffi.typeof and ffi.cast take as a type: a
// ctype userdata, a cdata (its type) or a string that the registry parses.
func (m *Module) TypeOf(L *lua.LState, v lua.LValue) (*ctype.Type, error) {
	return m.typeOf(v, nil)
}

func (m *Module) typeOf(v lua.LValue, params []*ctype.Type) (*ctype.Type, error) {
	if t, ok := CTypeOf(v); ok {
		return t, nil
	}
	if c, ok := CDataOf(v); ok {
		return c.Type, nil
	}
	if s, ok := v.(lua.LString); ok {
		return m.reg.Parse(string(s), params...)
	}
	return nil, fmt.Errorf("ctype or C type declaration expected, got %s", valueTypeName(v))
}
