package ffi

import (
	"unsafe"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// CType is the Value of the userdata that ffi.typeof returns.
type CType struct{ Type *ctype.Type }

// CData is the Value of a cdata userdata: a typed block of memory in host
// byte order (little-endian).
//
// A pointer cdata holds the address in Mem. When it was made from Go
// memory (another cdata, a string, pointer arithmetic on either) it also
// remembers that memory, so it can be indexed and dereferenced with bounds
// checks. A pointer made from a plain number is only an address.
type CData struct {
	Type *ctype.Type
	Mem  []byte

	target []byte // pointers only: the memory the pointer points into
	offset int    // pointers only: offset of the pointed-to byte in target
}

// CDataOf returns the cdata in v, if v is a cdata userdata.
func CDataOf(v lua.LValue) (*CData, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	c, ok := ud.Value.(*CData)
	return c, ok
}

// CTypeOf returns the type in v, if v is a ctype userdata.
func CTypeOf(v lua.LValue) (*ctype.Type, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	c, ok := ud.Value.(*CType)
	if !ok {
		return nil, false
	}
	return c.Type, true
}

// addressOf returns the address of the first byte of b, or 0 for empty
// memory. It is only ever printed, compared and stored as a number; it is
// never turned back into a Go pointer.
func addressOf(b []byte) uint64 {
	if cap(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// Address returns the pointer value of a pointer cdata and the address of
// the memory of any other cdata.
func (c *CData) Address() uint64 {
	if c.Type.Kind == ctype.Pointer || c.Type.Kind == ctype.Func {
		return loadUint(c.Mem, 8)
	}
	return addressOf(c.Mem)
}

// Target returns the Go memory a pointer cdata points into, from the
// pointed-to byte on, or nil for a pointer that is only an address. For
// other cdata it returns Mem.
func (c *CData) Target() []byte {
	if c.Type.Kind != ctype.Pointer {
		return c.Mem
	}
	if c.target == nil || c.offset < 0 || c.offset > len(c.target) {
		return nil
	}
	return c.target[c.offset:]
}

// newPointer makes a pointer cdata of type t to byte off of target.
func newPointer(t *ctype.Type, target []byte, off int) *CData {
	c := &CData{Type: t, Mem: make([]byte, 8), target: target, offset: off}
	storeUint(c.Mem, 8, addressOf(target)+uint64(int64(off)))
	return c
}

// rawPointer makes a pointer cdata of type t holding only an address.
func rawPointer(t *ctype.Type, addr uint64) *CData {
	c := &CData{Type: t, Mem: make([]byte, 8)}
	storeUint(c.Mem, 8, addr)
	return c
}

// pointerTarget returns what a pointer, array or other cdata refers to, as
// (memory, offset): arrays and aggregates decay to their own memory.
func (c *CData) pointerTarget() ([]byte, int) {
	if c.Type.Kind == ctype.Pointer {
		return c.target, c.offset
	}
	return c.Mem, 0
}

// NewCData returns a zeroed cdata of type t. t must have a known size.
func (m *Module) NewCData(L *lua.LState, t *ctype.Type) *lua.LUserData {
	size := t.Size
	if size < 0 {
		size = 0
	}
	return m.WrapCData(L, &CData{Type: t, Mem: make([]byte, size)})
}

// WrapCData returns a userdata with the cdata metatable for c.
func (m *Module) WrapCData(L *lua.LState, c *CData) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = c
	ud.Metatable = m.cdataMeta
	return ud
}

// cdataBox is a cdata userdata and its cdata in one allocation.
type cdataBox struct {
	ud lua.LUserData
	c  CData
}

// WrapMem returns a cdata of type t over mem, which it takes over (mem
// holds t.Size bytes), as WrapCData does but in one allocation: readers
// make one of these per event.
func (m *Module) WrapMem(L *lua.LState, t *ctype.Type, mem []byte) *lua.LUserData {
	box := &cdataBox{c: CData{Type: t, Mem: mem}}
	box.ud.Env = L.Env
	box.ud.Value = &box.c
	box.ud.Metatable = m.cdataMeta
	return &box.ud
}

// WrapCType returns a ctype userdata for t, as ffi.typeof does.
func (m *Module) WrapCType(L *lua.LState, t *ctype.Type) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = &CType{Type: t}
	ud.Metatable = m.ctypeMeta
	return ud
}
