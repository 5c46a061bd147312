package ffi

import (
	"fmt"
	"math"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// slot is what an index expression on a cdata designates: a member of a
// record (memory of the record plus the field) or an element.
type slot struct {
	field ctype.Field // Type set; Offset relative to mem
	mem   []byte
	konst lua.LValue // a struct's static const member; read-only
}

// locate resolves c[key]: a struct or union member by name (also through
// a pointer to a record), or an array or pointer element by number.
func (m *Module) locate(c *CData, key lua.LValue) (slot, error) {
	t, mem := c.Type, c.Mem
	if t.Kind == ctype.Pointer {
		if name, ok := key.(lua.LString); ok {
			if t.Elem.Kind != ctype.Struct && t.Elem.Kind != ctype.Union {
				return slot{}, fmt.Errorf("'%s' has no member named '%s'", t, name)
			}
			target, err := deref(c, t.Elem.Size)
			if err != nil {
				return slot{}, err
			}
			return recordSlot(t.Elem, target, string(name))
		}
		i, ok := indexKey(key)
		if !ok {
			return slot{}, fmt.Errorf("'%s' cannot be indexed with '%s'", t, keyString(key))
		}
		return pointerSlot(c, i)
	}
	switch t.Kind {
	case ctype.Struct, ctype.Union:
		name, ok := key.(lua.LString)
		if !ok {
			return slot{}, fmt.Errorf("'%s' cannot be indexed with '%s'", t, keyString(key))
		}
		return recordSlot(t, mem, string(name))
	case ctype.Array:
		i, ok := indexKey(key)
		if !ok {
			if name, isName := key.(lua.LString); isName {
				return slot{}, fmt.Errorf("'%s' has no member named '%s'", t, name)
			}
			return slot{}, fmt.Errorf("'%s' cannot be indexed with '%s'", t, keyString(key))
		}
		if i < 0 || i >= int64(t.Len) {
			return slot{}, fmt.Errorf("index %d out of range for '%s'", i, t)
		}
		es := int64(t.Elem.Size)
		return slot{field: ctype.Field{Type: t.Elem, Offset: int(i * es)}, mem: mem}, nil
	}
	if name, ok := key.(lua.LString); ok {
		return slot{}, fmt.Errorf("'%s' has no member named '%s'", t, name)
	}
	return slot{}, fmt.Errorf("'%s' cannot be indexed with '%s'", t, keyString(key))
}

// recordSlot finds a member, or a static const, of a struct or union.
func recordSlot(t *ctype.Type, mem []byte, name string) (slot, error) {
	if f, ok := t.Field(name); ok {
		return slot{field: f, mem: mem}, nil
	}
	if v, ok := t.Consts[name]; ok {
		return slot{konst: lua.LNumber(v)}, nil
	}
	return slot{}, fmt.Errorf("'%s' has no member named '%s'", t, name)
}

// pointerSlot designates element i of what pointer c points to.
func pointerSlot(c *CData, i int64) (slot, error) {
	t := c.Type
	es := int64(t.Elem.Size)
	if t.Elem.Kind == ctype.Void || t.Elem.Kind == ctype.Func || es <= 0 {
		return slot{}, fmt.Errorf("cannot index '%s': it points to an object of unknown size", t)
	}
	if c.target == nil {
		return slot{}, rawDerefError(c)
	}
	off := int64(c.offset) + i*es
	if i > math.MaxInt32 || i < math.MinInt32 || off < 0 || off+es > int64(len(c.target)) {
		return slot{}, fmt.Errorf("index %d out of range for '%s' (it points into %d bytes at offset %d)", i, t, len(c.target), c.offset)
	}
	return slot{field: ctype.Field{Type: t.Elem, Offset: int(off)}, mem: c.target}, nil
}

// deref returns the memory a pointer points to, which must hold size bytes.
func deref(c *CData, size int) ([]byte, error) {
	if c.target == nil {
		return nil, rawDerefError(c)
	}
	if c.offset < 0 || c.offset+size > len(c.target) {
		return nil, fmt.Errorf("'%s' points outside its memory", c.Type)
	}
	return c.target[c.offset:], nil
}

func rawDerefError(c *CData) error {
	if c.Address() == 0 {
		return fmt.Errorf("attempt to dereference a NULL pointer ('%s')", c.Type)
	}
	return fmt.Errorf("cannot dereference '%s' at %s: only pointers into memory that ffi created can be read", c.Type, formatPointer(c.Address()))
}

// indexKey converts a Lua number or integer cdata to an element index.
func indexKey(key lua.LValue) (int64, bool) {
	switch k := key.(type) {
	case lua.LNumber:
		f := float64(k)
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false
		}
		return int64(f), true
	}
	if c, ok := CDataOf(key); ok && (c.Type.Kind == ctype.Int || c.Type.Kind == ctype.Bool) {
		return loadScalar(c.Type, c.Mem).int64(), true
	}
	return 0, false
}

func keyString(key lua.LValue) string {
	if c, ok := CDataOf(key); ok {
		return c.Type.String()
	}
	return key.String()
}

// cdataIndex is the __index metamethod of cdata.
func (m *Module) cdataIndex(L *lua.LState) int {
	c := m.checkCData(L, 1)
	s, err := m.locate(c, L.Get(2))
	if err != nil {
		L.RaiseError("%s", err)
	}
	if s.konst != nil {
		L.Push(s.konst)
		return 1
	}
	L.Push(m.loadField(L, s.field, s.mem))
	return 1
}

// cdataNewIndex is the __newindex metamethod of cdata.
func (m *Module) cdataNewIndex(L *lua.LState) int {
	c := m.checkCData(L, 1)
	s, err := m.locate(c, L.Get(2))
	if err == nil && s.konst != nil {
		err = fmt.Errorf("cannot assign to constant '%s'", L.Get(2))
	}
	if err == nil {
		err = m.storeField(L, s.field, L.Get(3), s.mem)
	}
	if err != nil {
		L.RaiseError("%s", err)
	}
	return 0
}

// cdataLen is the __len metamethod: the length of an array. LuaJIT has no
// length for cdata at all; arrays get one here because it is handy.
func (m *Module) cdataLen(L *lua.LState) int {
	c := m.checkCData(L, 1)
	if c.Type.Kind != ctype.Array {
		L.RaiseError("attempt to get length of '%s'", c.Type)
	}
	L.Push(lua.LNumber(c.Type.Len))
	return 1
}

// checkCData returns argument n as a cdata or raises an argument error.
func (m *Module) checkCData(L *lua.LState, n int) *CData {
	c, ok := CDataOf(L.Get(n))
	if !ok {
		L.ArgError(n, "cdata expected, got "+valueTypeName(L.Get(n)))
	}
	return c
}
