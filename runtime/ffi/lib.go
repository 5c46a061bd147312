package ffi

import (
	"fmt"
	"math"
	"strconv"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// maxAlloc bounds the bytes ffi.new allocates for one cdata (256 MiB),
// so that a script asking for a huge buffer gets a Lua error rather
// than the process running out of memory (which Go cannot recover
// from). The README states it beside ffi.
const maxAlloc = 256 << 20

// maxTypeSize is the largest size of a C type, as in LuaJIT (and
// ctype): ffi.sizeof is nil above it.
const maxTypeSize = 1<<31 - 1

// tooLarge raises ffi.new's error for a cdata of size bytes.
func tooLarge(L *lua.LState, size float64) {
	digits := strconv.FormatFloat(size, 'f', 0, 64)
	if size >= 1e21 {
		digits = strconv.FormatFloat(size, 'g', -1, 64) // 1e+300, not 301 digits
	}
	L.RaiseError("ffi.new: %s bytes is larger than the %d-byte limit", digits, maxAlloc)
}

// vlaBytes is the size in bytes of VLA type t with n elements, as a
// float64 so that it cannot overflow.
func vlaBytes(t *ctype.Type, n float64) float64 {
	if t.Kind == ctype.Struct {
		last := t.Fields[len(t.Fields)-1]
		return float64(last.Offset) + n*float64(last.Type.Elem.Size)
	}
	return n * float64(t.Elem.Size)
}

// checkType resolves argument n as a C type or raises an error.
func (m *Module) checkType(L *lua.LState, n int) *ctype.Type {
	if L.GetTop() < n {
		L.ArgError(n, "ctype expected, got no value")
	}
	t, err := m.TypeOf(L, L.Get(n))
	if err != nil {
		L.RaiseError("%s", err)
	}
	return t
}

// raise turns a Go error into a Lua error.
func raise(L *lua.LState, err error) {
	if err != nil {
		L.RaiseError("%s", err)
	}
}

// ffiNew is ffi.new(ct [, nelem] [, init...]).
func (m *Module) ffiNew(L *lua.LState) int {
	t := m.checkType(L, 1)
	first := 2
	if t.IsVLA() {
		n, ok := L.Get(2).(lua.LNumber)
		if f := float64(n); !ok || !(f >= 0) || math.IsInf(f, 1) || math.Trunc(f) != f {
			L.ArgError(2, "number of elements expected for '"+t.String()+"'")
		}
		if b := vlaBytes(t, float64(n)); b > maxAlloc {
			tooLarge(L, b)
		}
		t = t.WithLen(int(n))
		first = 3
	}
	switch {
	case t.Kind == ctype.Void || t.Kind == ctype.Func || t.Incomplete || t.Size < 0:
		L.RaiseError("cannot create cdata of type '%s': its size is unknown", t)
	case t.Size > maxAlloc:
		tooLarge(L, float64(t.Size))
	}
	var args []lua.LValue
	for i := first; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	if t.Kind == ctype.Pointer && len(args) == 1 {
		p, err := m.toPointer(t, args[0], false)
		raise(L, err)
		L.Push(m.WrapCData(L, p))
		return 1
	}
	c := &CData{Type: t, Mem: make([]byte, t.Size)}
	raise(L, m.initialize(L, t, c.Mem, args))
	L.Push(m.WrapCData(L, c))
	return 1
}

// ffiTypeof is ffi.typeof(ct [, params...]): `$` in ct takes the types
// given as params.
func (m *Module) ffiTypeof(L *lua.LState) int {
	if L.GetTop() < 1 {
		L.ArgError(1, "ctype expected, got no value")
	}
	var params []*ctype.Type
	for i := 2; i <= L.GetTop(); i++ {
		p, err := m.TypeOf(L, L.Get(i))
		if err != nil {
			L.ArgError(i, err.Error())
		}
		params = append(params, p)
	}
	t, err := m.typeOf(L.Get(1), params)
	raise(L, err)
	L.Push(m.WrapCType(L, t))
	return 1
}

// ffiCast is ffi.cast(ct, v): numbers and cdata to integers (truncating or
// extending), and numbers, integers, strings, pointers, arrays and
// records to pointers.
func (m *Module) ffiCast(L *lua.LState) int {
	t := m.checkType(L, 1)
	v := L.Get(2)
	switch t.Kind {
	case ctype.Pointer:
		p, err := m.toPointer(t, v, true)
		raise(L, err)
		L.Push(m.WrapCData(L, p))
		return 1
	case ctype.Int, ctype.Bool, ctype.Float:
		s, ok := toScalar(v)
		if !ok {
			if c, isCData := CDataOf(v); isCData && (c.Type.Kind == ctype.Pointer || c.Type.IsAggregate()) {
				s, ok = uintScalar(c.Address()), true
			} else if v == lua.LNil {
				s, ok = uintScalar(0), true
			}
		}
		if !ok {
			raise(L, convError(v, t))
		}
		c := &CData{Type: t, Mem: make([]byte, t.Size)}
		storeScalar(t, c.Mem, s)
		L.Push(m.WrapCData(L, c))
		return 1
	}
	raise(L, fmt.Errorf("cannot cast '%s' to '%s'", valueTypeName(v), t))
	return 0
}

// bytesOf returns the memory a cdata argument designates, as ffi.string,
// ffi.copy and ffi.fill see it: what a pointer points to, or the cdata's
// own memory.
func (m *Module) bytesOf(L *lua.LState, n int, fn string) (*CData, []byte) {
	v := L.Get(n)
	c, ok := CDataOf(v)
	if !ok {
		L.ArgError(n, fmt.Sprintf("cannot convert '%s' to 'void *'", valueTypeName(v)))
	}
	if c.Type.Kind != ctype.Pointer {
		return c, c.Mem
	}
	if c.target == nil {
		L.RaiseError("%s: %s", fn, rawDerefError(c))
	}
	return c, c.Target()
}

// optLen returns argument n as a non-negative length, or -1 if absent.
func optLen(L *lua.LState, n int) int {
	v := L.Get(n)
	if v == lua.LNil {
		return -1
	}
	s, ok := toScalar(v)
	if _, isBool := v.(lua.LBool); !ok || isBool {
		L.ArgError(n, "number expected, got "+valueTypeName(v))
	}
	l := s.int64()
	if l < 0 || l > maxTypeSize {
		L.ArgError(n, "length out of range")
	}
	return int(l)
}

// ffiString is ffi.string(ptr [, len]): the bytes up to the first NUL of
// a char array or pointer to char, or len bytes of any cdata.
func (m *Module) ffiString(L *lua.LState) int {
	if s, ok := L.Get(1).(lua.LString); ok {
		n := optLen(L, 2)
		if n >= 0 && n < len(s) {
			s = s[:n]
		}
		L.Push(s)
		return 1
	}
	n := optLen(L, 2)
	c, b := m.bytesOf(L, 1, "ffi.string")
	if n >= 0 {
		if n > len(b) {
			L.RaiseError("ffi.string: length %d exceeds the %d bytes of '%s'", n, len(b), c.Type)
		}
		L.Push(lua.LString(b[:n]))
		return 1
	}
	if e := c.Type.Elem; (c.Type.Kind != ctype.Pointer && c.Type.Kind != ctype.Array) || (e.Kind != ctype.Void && !isByte(e)) {
		L.ArgError(1, fmt.Sprintf("cannot convert '%s' to 'const char *'", c.Type))
	}
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	L.Push(lua.LString(b))
	return 1
}

// ffiCopy is ffi.copy(dst, src, len) and ffi.copy(dst, str): a string
// source without len copies the string and its terminating NUL.
func (m *Module) ffiCopy(L *lua.LState) int {
	dc, dst := m.bytesOf(L, 1, "ffi.copy")
	n := optLen(L, 3)
	var src []byte
	if s, ok := L.Get(2).(lua.LString); ok {
		src = append([]byte(s), 0)
		if n < 0 {
			n = len(src)
		}
	} else {
		if n < 0 {
			L.ArgError(3, "number expected, got no value")
		}
		_, src = m.bytesOf(L, 2, "ffi.copy")
	}
	if n > len(src) {
		L.RaiseError("ffi.copy: length %d exceeds the %d bytes of the source", n, len(src))
	}
	if n > len(dst) {
		L.RaiseError("ffi.copy: %d bytes do not fit in '%s' (%d bytes)", n, dc.Type, len(dst))
	}
	copy(dst[:n], src[:n])
	return 0
}

// ffiFill is ffi.fill(dst, len [, c]).
func (m *Module) ffiFill(L *lua.LState) int {
	dc, dst := m.bytesOf(L, 1, "ffi.fill")
	n := optLen(L, 2)
	if n < 0 {
		L.ArgError(2, "number expected, got no value")
	}
	if n > len(dst) {
		L.RaiseError("ffi.fill: %d bytes do not fit in '%s' (%d bytes)", n, dc.Type, len(dst))
	}
	var b byte
	if v := L.Get(3); v != lua.LNil {
		s, ok := toScalar(v)
		if !ok {
			L.ArgError(3, "number expected, got "+valueTypeName(v))
		}
		b = byte(s.int64())
	}
	for i := range dst[:n] {
		dst[i] = b
	}
	return 0
}

// ffiSizeof is ffi.sizeof(ct [, nelem]); nil when the size is unknown.
func (m *Module) ffiSizeof(L *lua.LState) int {
	t := m.checkType(L, 1)
	if t.IsVLA() {
		n, ok := L.Get(2).(lua.LNumber)
		// LuaJIT's sizeof is nil for a size past the largest a C
		// type can have.
		if !ok || !(n >= 0) || vlaBytes(t, math.Trunc(float64(n))) > maxTypeSize {
			L.Push(lua.LNil)
			return 1
		}
		t = t.WithLen(int(n))
	}
	if t.Size < 0 || t.Incomplete || t.Kind == ctype.Void || t.Kind == ctype.Func {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LNumber(t.Size))
	return 1
}

// ffiAlignof is ffi.alignof(ct).
func (m *Module) ffiAlignof(L *lua.LState) int {
	L.Push(lua.LNumber(m.checkType(L, 1).Align))
	return 1
}

// ffiOffsetof is ffi.offsetof(ct, field): the byte offset of a member, or
// nil. For a bitfield it returns, as LuaJIT does, the offset of the
// storage unit of the field's declared type that holds it, the bit
// position in that unit and the width; a bitfield that straddles such a
// unit (in a packed struct) is reported from its first byte.
func (m *Module) ffiOffsetof(L *lua.LState) int {
	t := m.checkType(L, 1)
	name := L.CheckString(2)
	f, ok := t.Field(name)
	if !ok {
		return 0
	}
	if f.BitSize == 0 {
		L.Push(lua.LNumber(f.Offset))
		return 1
	}
	pos := f.Offset*8 + f.BitOffset
	unit := f.Type.Size * 8
	off, bpos := f.Offset, f.BitOffset
	if start := pos / unit * unit; pos+f.BitSize <= start+unit {
		off, bpos = start/8, pos-start
	}
	L.Push(lua.LNumber(off))
	L.Push(lua.LNumber(bpos))
	L.Push(lua.LNumber(f.BitSize))
	return 3
}

// ffiIstype is ffi.istype(ct, v): whether v is a cdata (or ctype) of type
// ct. A pointer to a struct is also of that struct's type.
func (m *Module) ffiIstype(L *lua.LState) int {
	t := m.checkType(L, 1)
	var vt *ctype.Type
	if c, ok := CDataOf(L.Get(2)); ok {
		vt = c.Type
	} else if ct, ok := CTypeOf(L.Get(2)); ok {
		vt = ct
	}
	r := vt != nil && (t.Equal(vt) ||
		((t.Kind == ctype.Struct || t.Kind == ctype.Union) && vt.Kind == ctype.Pointer && vt.Elem == t) ||
		// A cdata made from `T [?]` is of that type whatever its length.
		(t.Kind == ctype.Array && t.Len < 0 && vt.Kind == ctype.Array && t.Elem.Equal(vt.Elem)))
	L.Push(lua.LBool(r))
	return 1
}

// ffiCdef is ffi.cdef(src).
func (m *Module) ffiCdef(L *lua.LState) int {
	raise(L, m.reg.Define(L.CheckString(1)))
	return 0
}

// ffiAbi is ffi.abi(param).
func (m *Module) ffiAbi(L *lua.LState) int {
	arm := m.reg.Arch() == ctype.ARM64
	abi := map[string]bool{
		"64bit": true, "le": true, "fpu": true, "hardfp": true, "linux": true, "gc64": true,
		"32bit": false, "be": false, "softfp": false, "eabi": false, "win": false, "uwp": false,
		"pauth": false, "arm64": arm, "x64": !arm,
	}
	L.Push(lua.LBool(abi[L.CheckString(1)]))
	return 1
}

// ffiErrno is ffi.errno([newerr]): the errno left by the last ffi.C call.
func (m *Module) ffiErrno(L *lua.LState) int {
	old := m.errno
	if L.GetTop() >= 1 {
		m.errno = L.CheckInt(1)
	}
	L.Push(lua.LNumber(old))
	return 1
}

// ffiGc is ffi.gc(cdata, finalizer). Go's collector frees cdata memory,
// so finalizers are not run; the cdata is returned as LuaJIT does.
func (m *Module) ffiGc(L *lua.LState) int {
	m.checkCData(L, 1)
	L.Push(L.Get(1))
	return 1
}

// ffiMetatype is ffi.metatype, which luabpf does not support.
func (m *Module) ffiMetatype(L *lua.LState) int {
	L.RaiseError("ffi.metatype is not supported by luabpf")
	return 0
}

// ffiLoad is ffi.load, which luabpf does not support.
func (m *Module) ffiLoad(L *lua.LState) int {
	L.RaiseError("ffi.load is not supported: luabpf cannot load C libraries; ffi.C offers a few functions implemented in Go")
	return 0
}
