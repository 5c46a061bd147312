package ffi

import (
	"fmt"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// initialize fills the zeroed memory of a new cdata of type t from the
// initializers given to ffi.new, following LuaJIT's rules:
//   - a scalar or pointer takes one value;
//   - an array takes a table (elements from t[0] or t[1] on), a string
//     (byte arrays), an array cdata of its type, one value repeated for
//     every element, or one value per element;
//   - a struct or union takes a table (positional or by field name), a
//     cdata of its type, or one value per field in order (a union only its
//     first field).
func (m *Module) initialize(L *lua.LState, t *ctype.Type, mem []byte, args []lua.LValue) error {
	if len(args) == 0 {
		return nil
	}
	switch t.Kind {
	case ctype.Array:
		return m.initArray(L, t, mem, args)
	case ctype.Struct, ctype.Union:
		if len(args) == 1 {
			if _, isTable := args[0].(*lua.LTable); isTable {
				return m.FromLua(L, t, args[0], mem)
			}
			if c, ok := CDataOf(args[0]); ok && sameRecord(c.Type, t) {
				return m.FromLua(L, t, args[0], mem)
			}
		}
		src := &initSource{args: args}
		if err := m.initRecord(L, t, mem, src); err != nil {
			return err
		}
		if src.pos < len(args) {
			return fmt.Errorf("too many initializers for '%s'", t)
		}
		return nil
	}
	if len(args) > 1 {
		return fmt.Errorf("too many initializers for '%s'", t)
	}
	return m.FromLua(L, t, args[0], mem)
}

func (m *Module) initArray(L *lua.LState, t *ctype.Type, mem []byte, args []lua.LValue) error {
	if len(args) == 1 {
		v := args[0]
		_, isTable := v.(*lua.LTable)
		_, isString := v.(lua.LString)
		c, isCData := CDataOf(v)
		if isTable || (isString && isByte(t.Elem)) || (isCData && c.Type.Kind == ctype.Array) {
			return m.FromLua(L, t, v, mem)
		}
		for i := 0; i < t.Len; i++ {
			if err := m.FromLua(L, t.Elem, v, elemMem(t, mem, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(args) > t.Len {
		return fmt.Errorf("too many initializers for '%s'", t)
	}
	for i, v := range args {
		if err := m.FromLua(L, t.Elem, v, elemMem(t, mem, i)); err != nil {
			return err
		}
	}
	return nil
}

// elemMem returns the memory of element i of an array.
func elemMem(t *ctype.Type, mem []byte, i int) []byte {
	es := t.Elem.Size
	return mem[i*es : i*es+es]
}

// initArrayTable initializes an array from a Lua table: elements come
// from t[0] (if present) or t[1] on, up to the first nil; a single element
// is repeated for the whole array.
func (m *Module) initArrayTable(L *lua.LState, t *ctype.Type, tab *lua.LTable, mem []byte) error {
	start := 1
	if tab.RawGet(lua.LNumber(0)) != lua.LNil {
		start = 0
	}
	n := 0
	for ; n < t.Len; n++ {
		v := tab.RawGet(lua.LNumber(start + n))
		if v == lua.LNil {
			break
		}
		if err := m.FromLua(L, t.Elem, v, elemMem(t, mem, n)); err != nil {
			return err
		}
	}
	if n == 1 {
		for i := 1; i < t.Len; i++ {
			copy(elemMem(t, mem, i), elemMem(t, mem, 0))
		}
	}
	return nil
}

// initSource hands out initializer values for a record: positionally from
// ffi.new arguments or a table's array part, or by field name from a
// table.
type initSource struct {
	args   []lua.LValue
	tab    *lua.LTable
	pos    int
	byName bool
	done   bool
}

// next returns the value for the named field, or nil to skip it.
func (s *initSource) next(name string) lua.LValue {
	switch {
	case s.byName:
		return s.tab.RawGetString(name)
	case s.tab != nil:
		v := s.tab.RawGet(lua.LNumber(s.pos))
		if v == lua.LNil {
			s.done = true
			return lua.LNil
		}
		s.pos++
		return v
	case s.pos < len(s.args):
		s.pos++
		return s.args[s.pos-1]
	}
	s.done = true
	return lua.LNil
}

// initRecordTable initializes a struct or union from a Lua table: by
// position when t[0] or t[1] is set (stopping at the first nil), by field
// names otherwise.
func (m *Module) initRecordTable(L *lua.LState, t *ctype.Type, tab *lua.LTable, mem []byte) error {
	src := &initSource{tab: tab}
	switch {
	case tab.RawGet(lua.LNumber(0)) != lua.LNil:
		src.pos = 0
	case tab.RawGet(lua.LNumber(1)) != lua.LNil:
		src.pos = 1
	default:
		src.byName = true
	}
	return m.initRecord(L, t, mem, src)
}

// initRecord walks the fields of t in order, looking through anonymous
// members, and stores the values src gives. A union takes one value.
func (m *Module) initRecord(L *lua.LState, t *ctype.Type, mem []byte, src *initSource) error {
	for _, f := range t.Fields {
		if src.done {
			return nil
		}
		if f.Name == "" {
			if err := m.initRecord(L, f.Type, mem[f.Offset:], src); err != nil {
				return err
			}
			continue
		}
		v := src.next(f.Name)
		if v == lua.LNil {
			continue
		}
		if err := m.storeField(L, f, v, mem); err != nil {
			return err
		}
		if t.Kind == ctype.Union {
			return nil
		}
	}
	return nil
}

// storeField assigns v to field f of the record whose memory is mem.
func (m *Module) storeField(L *lua.LState, f ctype.Field, v lua.LValue, mem []byte) error {
	if f.BitSize == 0 {
		return m.FromLua(L, f.Type, v, mem[f.Offset:])
	}
	s, ok := toScalar(v)
	if !ok {
		return convError(v, f.Type)
	}
	bits := uint64(s.int64())
	if f.Type.Kind == ctype.Bool {
		bits = 0
		if !s.isZero() {
			bits = 1
		}
	} else if !f.Type.Signed && f.Type.Size == 8 {
		bits = s.uint64()
	}
	storeBitfield(f, mem, bits)
	return nil
}

// loadField reads field f of the record whose memory is mem.
func (m *Module) loadField(L *lua.LState, f ctype.Field, mem []byte) lua.LValue {
	if f.BitSize == 0 {
		return m.ToLua(L, f.Type, mem[f.Offset:])
	}
	s := loadBitfield(f, mem)
	switch {
	case f.Type.Kind == ctype.Bool:
		return lua.LBool(!s.isZero())
	case f.BitSize > 32:
		return m.box(L, s.bits, !f.Type.Signed)
	}
	return lua.LNumber(s.float())
}
