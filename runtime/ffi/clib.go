package ffi

import (
	"os"
	"sort"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// cArg is an argument of an ffi.C call converted for a Go implementation:
// the integer value, or the bytes a char pointer points to (up to and
// excluding the first NUL) with nil for NULL.
type cArg struct {
	i   int64
	u   uint64
	str []byte
	ptr *CData // pointer arguments as given, for out-parameters
}

// cFunc implements one C function in Go. It returns the result bits and
// an errno value (0 leaves errno alone).
type cFunc func(args []cArg) (result uint64, errno int)

// cFuncs are the C library functions ffi.C offers, once a script declares
// them with ffi.cdef.
var cFuncs = map[string]cFunc{
	"strtoull": func(a []cArg) (uint64, int) { return strto(a, false) },
	"strtoll":  func(a []cArg) (uint64, int) { return strto(a, true) },
	"strtoul":  func(a []cArg) (uint64, int) { return strto(a, false) },
	"strtol":   func(a []cArg) (uint64, int) { return strto(a, true) },
	"atoi":     atoi,
	"atol":     atoi,
	"strlen":   func(a []cArg) (uint64, int) { return uint64(len(a[0].str)), 0 },
	"strcmp":   strcmp,
	"getpid":   func([]cArg) (uint64, int) { return uint64(os.Getpid()), 0 },
	"getppid":  func([]cArg) (uint64, int) { return uint64(os.Getppid()), 0 },
	"getuid":   func([]cArg) (uint64, int) { return uint64(os.Getuid()), 0 },
	"geteuid":  func([]cArg) (uint64, int) { return uint64(os.Geteuid()), 0 },
	"getgid":   func([]cArg) (uint64, int) { return uint64(os.Getgid()), 0 },
	"getegid":  func([]cArg) (uint64, int) { return uint64(os.Getegid()), 0 },
}

// atoi is strtol(s, NULL, 10) without errno.
func atoi(a []cArg) (uint64, int) {
	v, _ := strto([]cArg{a[0], {}, {i: 10}}, true)
	return v, 0
}

// strcmp compares two strings bytewise, returning -1, 0 or 1.
func strcmp(a []cArg) (uint64, int) {
	return uint64(int64(strings.Compare(string(a[0].str), string(a[1].str)))), 0
}

// cFuncNames lists the implemented functions for error messages.
func cFuncNames() string {
	var names []string
	for n := range cFuncs {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// newCLib builds the ffi.C namespace: indexing it looks the name up among
// the declared function prototypes and the Go implementations.
func (m *Module) newCLib(L *lua.LState) *lua.LTable {
	clib := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(2)
		if v, ok := m.reg.Const(name); ok {
			L.Push(lua.LNumber(v))
			return 1
		}
		ft, ok := m.reg.Func(name)
		if !ok {
			if _, isVar := m.reg.Var(name); isVar {
				L.RaiseError("cannot access C variable '%s': luabpf has no C symbols", name)
			}
			L.RaiseError("missing declaration for symbol '%s'", name)
		}
		impl, ok := cFuncs[name]
		if !ok {
			L.RaiseError("C function '%s' is not available in luabpf (ffi.C offers %s)", name, cFuncNames())
		}
		fn := L.NewFunction(m.cCall(name, ft, impl))
		L.Push(fn)
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("cannot assign to ffi.C.%s", L.CheckString(2))
		return 0
	}))
	L.SetMetatable(clib, mt)
	return clib
}

// cCall returns the Lua function for a declared C function: it converts
// the arguments by the prototype, runs the Go implementation and converts
// the result by the declared return type.
func (m *Module) cCall(name string, ft *ctype.Type, impl cFunc) lua.LGFunction {
	return func(L *lua.LState) int {
		n := L.GetTop()
		if n < len(ft.Params) || (n > len(ft.Params) && !ft.Variadic) {
			L.RaiseError("wrong number of arguments for function call to '%s' (%d for %d)", name, n, len(ft.Params))
		}
		args := make([]cArg, len(ft.Params))
		for i, pt := range ft.Params {
			a, err := m.cArgument(pt, L.Get(i+1))
			if err != nil {
				L.ArgError(i+1, err.Error())
			}
			args[i] = a
		}
		if len(args) < minArgs(name) {
			L.RaiseError("declaration of '%s' has too few parameters for luabpf's implementation", name)
		}
		r, errno := impl(args)
		if errno != 0 {
			m.errno = errno
		}
		res := ft.Elem
		if res.Kind == ctype.Void {
			return 0
		}
		if !res.IsInteger() {
			L.RaiseError("'%s' declared with an unsupported result type '%s'", name, res)
		}
		mem := make([]byte, res.Size)
		storeUint(mem, res.Size, r)
		L.Push(m.ToLua(L, res, mem))
		return 1
	}
}

// minArgs is how many declared parameters each implementation reads.
func minArgs(name string) int {
	switch name {
	case "strtoull", "strtoll", "strtoul", "strtol":
		return 3
	case "strcmp":
		return 2
	case "strlen", "atoi", "atol":
		return 1
	}
	return 0
}

// cArgument converts one Lua argument to the declared parameter type.
func (m *Module) cArgument(pt *ctype.Type, v lua.LValue) (cArg, error) {
	if pt.Kind == ctype.Pointer {
		p, err := m.toPointer(pt, v, false)
		if err != nil {
			return cArg{}, err
		}
		a := cArg{ptr: p, u: p.Address()}
		if b := p.Target(); b != nil {
			a.str = b
			for i, c := range b {
				if c == 0 {
					a.str = b[:i]
					break
				}
			}
		} else if p.Address() != 0 {
			return cArg{}, rawDerefError(p)
		}
		return a, nil
	}
	s, ok := toScalar(v)
	if !ok || !pt.IsInteger() {
		return cArg{}, convError(v, pt)
	}
	mem := make([]byte, 8)
	storeScalar(pt, mem, s)
	s = loadScalar(pt, mem)
	return cArg{i: s.int64(), u: s.uint64()}, nil
}
