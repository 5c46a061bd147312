package ffi

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// String formats c as tostring does in LuaJIT: 64-bit integers as
// "123ULL" or "-5LL", enums as "cdata<enum e>: 3", pointers as
// "cdata<char *>: 0x00001234" (or NULL), other cdata as their type and the
// address of their memory, e.g. "cdata<uint32_t [1]>: 0x7f3a12c0e8a0".
func (c *CData) String() string {
	t := c.Type
	switch {
	case is64(t):
		s := loadScalar(t, c.Mem)
		if t.Signed {
			return strconv.FormatInt(int64(s.bits), 10) + "LL"
		}
		return strconv.FormatUint(s.bits, 10) + "ULL"
	case t.Kind == ctype.Int && strings.HasPrefix(t.Name, "enum "):
		return fmt.Sprintf("cdata<%s>: %d", t, loadScalar(t, c.Mem).int64())
	}
	return "cdata<" + t.String() + ">: " + formatPointer(c.Address())
}

// formatPointer prints an address as LuaJIT's %p does: "NULL", or 0x with
// at least 8 hex digits, more in whole bytes as needed.
func formatPointer(p uint64) string {
	if p == 0 {
		return "NULL"
	}
	digits := 8
	if hi := uint32(p >> 32); hi != 0 {
		digits += 2 * ((bits.Len32(hi)-1)/8 + 1)
	}
	return fmt.Sprintf("0x%0*x", digits, p)
}

// cdataToString is the __tostring metamethod of cdata.
func (m *Module) cdataToString(L *lua.LState) int {
	L.Push(lua.LString(m.checkCData(L, 1).String()))
	return 1
}

// luaToString is the global tostring, aware of cdata and ctypes.
func (m *Module) luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if c, ok := CDataOf(v); ok {
		L.Push(lua.LString(c.String()))
		return 1
	}
	if t, ok := CTypeOf(v); ok {
		L.Push(lua.LString("ctype<" + t.String() + ">"))
		return 1
	}
	if m.baseToString != nil {
		return m.baseToString(L)
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// luaToNumber is the global tonumber: numeric cdata (integers, enums,
// floats and bool) give their value as a Lua number, 64-bit integers
// rounded to the nearest number; any other cdata, pointers included,
// gives nil, as in LuaJIT.
func (m *Module) luaToNumber(L *lua.LState) int {
	v := L.CheckAny(1)
	if c, ok := CDataOf(v); ok {
		if isNumeric(c.Type) && (L.GetTop() < 2 || L.Get(2) == lua.LNil || L.Get(2) == lua.LNumber(10)) {
			L.Push(lua.LNumber(loadScalar(c.Type, c.Mem).float()))
		} else {
			L.Push(lua.LNil)
		}
		return 1
	}
	if _, ok := CTypeOf(v); ok {
		L.Push(lua.LNil)
		return 1
	}
	if m.baseToNumber != nil {
		return m.baseToNumber(L)
	}
	switch x := v.(type) {
	case lua.LNumber:
		L.Push(x)
	case lua.LString:
		if f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64); err == nil {
			L.Push(lua.LNumber(f))
		} else {
			L.Push(lua.LNil)
		}
	default:
		L.Push(lua.LNil)
	}
	return 1
}

// luaFormat is string.format, aware of cdata: a numeric cdata formats
// as its value with the numeric verbs (string.format('%d', 5ULL) is "5",
// all 64 bits exact; %x and %o too; %f, %e and %g take it as a double),
// and every cdata formats as tostring shows it with %s. Other values go
// to gopher-lua's formatting unchanged.
func (m *Module) luaFormat(L *lua.LState) int {
	format := L.CheckString(1)
	top := L.GetTop()
	args := make([]any, top-1)
	for i := 2; i <= top; i++ {
		v := L.Get(i)
		if c, ok := CDataOf(v); ok {
			args[i-2] = cdataArg{c}
		} else {
			args[i-2] = v
		}
	}
	format = pointerVerbs(format, args)
	// As gopher-lua does: pass as many arguments as the format has verbs.
	n := strings.Count(format, "%") - 2*strings.Count(format, "%%")
	L.Push(lua.LString(fmt.Sprintf(format, args[:max(0, min(n, len(args)))]...)))
	return 1
}

// cdataArg formats a cdata for string.format.
type cdataArg struct{ c *CData }

// Format implements fmt.Formatter.
func (a cdataArg) Format(f fmt.State, verb rune) {
	t := a.c.Type
	if isNumeric(t) {
		s := loadScalar(t, a.c.Mem)
		switch verb {
		case 'd', 'i', 'x', 'X', 'o', 'c', 'b':
			if verb == 'i' {
				verb = 'd'
			}
			if s.isFloat {
				fmt.Fprintf(f, fmt.FormatString(f, verb), s.int64())
			} else if s.signed {
				fmt.Fprintf(f, fmt.FormatString(f, verb), int64(s.bits))
			} else {
				fmt.Fprintf(f, fmt.FormatString(f, verb), s.bits)
			}
			return
		case 'e', 'E', 'f', 'F', 'g', 'G':
			fmt.Fprintf(f, fmt.FormatString(f, verb), s.float())
			return
		}
	}
	switch verb {
	case 'p':
		// Not reached: fmt prints %p itself; pointerVerbs turns it into %s.
	case 'q':
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), a.c.String())
}

// pointerVerbs rewrites each %p of format (flags and width kept) as %s
// and its argument as the address it stands for, printed as LuaJIT's %p
// prints one: of a pointer cdata its target, of an integer its value, of
// other cdata their memory. Go's fmt prints %p itself, before any
// Formatter could.
func pointerVerbs(format string, args []any) string {
	if !strings.Contains(format, "p") {
		return format
	}
	b := []byte(format)
	arg := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(b) && b[j] == '%' {
			i = j
			continue
		}
		for j < len(b) && strings.IndexByte("-+ #0123456789.", b[j]) >= 0 {
			j++
		}
		if j == len(b) {
			break
		}
		if b[j] == 'p' && arg < len(args) {
			b[j] = 's'
			args[arg] = formatPointer(pointerValue(args[arg]))
		}
		arg++
		i = j
	}
	return string(b)
}

// pointerValue is the address %p prints for a string.format argument.
func pointerValue(a any) uint64 {
	switch v := a.(type) {
	case cdataArg:
		if v.c.Type.IsInteger() {
			return loadScalar(v.c.Type, v.c.Mem).bits
		}
		return v.c.Address()
	case lua.LNumber:
		return uint64(int64(v))
	}
	return 0
}
