package runtime

import (
	"encoding/binary"

	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// openLiterals defines the functions LuaJIT's 64-bit literals are
// rewritten to (see frontend.U64Func): 5ULL is a uint64_t cdata and 5LL
// an int64_t one, so tostring(2ULL) is "2ULL" and arithmetic on them
// stays 64-bit, as in LuaJIT.
func (r *Runtime) openLiterals() {
	for name, ctype := range map[string]string{frontend.U64Func: "uint64_t", frontend.I64Func: "int64_t"} {
		t := r.reg.MustParse(ctype)
		signed := name == frontend.I64Func
		r.L.SetGlobal(name, r.L.NewFunction(func(L *lua.LState) int {
			v, err := frontend.ParseLiteral64(L.CheckString(1), signed)
			if err != nil {
				L.ArgError(1, "not the digits of a 64-bit literal")
			}
			ud := r.ffi.NewCData(L, t)
			binary.LittleEndian.PutUint64(ud.Value.(*ffi.CData).Mem, v)
			L.Push(ud)
			return 1
		}))
	}
}
