package value

import (
	"strconv"
	"strings"
)

// The reserved globals LuaJIT's 64-bit literals are rewritten to when a
// script is parsed: 5ULL becomes __luabpf_u64("5") and 0xffLL becomes
// __luabpf_i64("0xff"). The runtime defines them to make uint64_t and
// int64_t cdata, as LuaJIT does; the compiler turns a call of one with a
// string literal into a 64-bit constant.
const (
	U64Func = "__luabpf_u64"
	I64Func = "__luabpf_i64"
)

// ParseLiteral64 reads the digits of a 64-bit literal as the rewrite
// passes them: decimal or 0x-prefixed hex. A signed literal's decimal
// value must fit int64_t; hex digits are its 64-bit pattern, as in LuaJIT
// (0xffffffffffffffffLL is -1LL).
func ParseLiteral64(digits string, signed bool) (uint64, error) {
	hex, ok := strings.CutPrefix(strings.ToLower(digits), "0x")
	if ok {
		return strconv.ParseUint(hex, 16, 64)
	}
	if signed {
		v, err := strconv.ParseInt(digits, 10, 64)
		return uint64(v), err
	}
	return strconv.ParseUint(digits, 10, 64)
}
