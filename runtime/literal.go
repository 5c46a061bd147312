package runtime

import (
	"github.com/luabpf/luabpf/compile/value"
	lua "github.com/yuin/gopher-lua"
)

// openLiterals defines the functions LuaJIT's 64-bit literals are
// rewritten to (see value.U64Func): 5ULL is a uint64_t cdata and 5LL
// an int64_t one, so tostring(2ULL) is "2ULL" and arithmetic on them
// stays 64-bit, as in LuaJIT.
func (r *Runtime) openLiterals() {
	for _, name := range []string{value.U64Func, value.I64Func} {
		signed := name == value.I64Func
		r.L.SetGlobal(name, r.L.NewFunction(func(L *lua.LState) int {
			v, err := value.ParseLiteral64(L.CheckString(1), signed)
			if err != nil {
				L.ArgError(1, "not the digits of a 64-bit literal")
			}
			L.Push(r.ffi.Int64(L, v, !signed))
			return 1
		}))
	}
}
