package irgen

import (
	"github.com/luabpf/luabpf/compile/value"
)

// literal64 lowers a LuaJIT 64-bit literal, which the front end rewrote
// to a call of value.U64Func or value.I64Func with the literal's
// digits: 5LL is the constant 5, and 5ULL is that constant cast to
// uint64_t, the type the README gives it.
func (g *builder) literal64(args []operand, name string) operand {
	s, ok := args[0].c.(String)
	if args[0].kind != opConst || !ok {
		g.errorf("%s is reserved for LuaJIT's 64-bit literals such as 5ULL", name)
	}
	signed := name == value.I64Func
	u, err := value.ParseLiteral64(string(s), signed)
	if err != nil {
		g.errorf("%s is reserved for LuaJIT's 64-bit literals such as 5ULL", name)
	}
	if signed {
		return constOp(Int(int64(u)))
	}
	u64 := CType{T: g.env.Types().MustParse("uint64_t")}
	return g.ffiCast([]operand{constOp(u64), constOp(Int(int64(u)))}, "ffi.cast")
}
