package runtime

import (
	"testing"
)

// neg is the low 32 bits of -n, what a program returning -n gives the
// test run.
func neg(n int64) uint32 { return uint32(-n) }

// The language tests take run-time inputs from frameUDP4 (ip.ttl == 17,
// ip.ver == 4, ip.hlen == 5, ip.proto == 17, ip.foffset == 0, skb.len ==
// 71) so nothing folds away, and use constants where folding is the point.

func TestLangArithmetic(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n" // 17
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "add", body: x + "return x + 3", want: 20},
		{name: "sub negative", body: x + "return x - 20", want: neg(3)},
		{name: "mul", body: x + "return x * 1000", want: 17000},
		{name: "div is integer division", body: x + "return x / 4", want: 4},
		{name: "div by run-time", body: x + "return 1000 / x", want: 58},
		{name: "mod", body: x + "return x % 5", want: 2},
		{name: "mod by run-time", body: x + "return 1000 % x", want: 14},
		{name: "unary minus", body: x + "return -x", want: neg(17)},
		{name: "unary minus twice", body: x + "return -(-x) + 1", want: 18},
		{name: "precedence", body: x + "return x % 5 + x / 4 * 3 - 1", want: 13},
		{name: "parentheses", body: x + "return (x + 3) * (x - 7)", want: 200},
		{name: "64-bit product", body: x + "local y = x * 0x100000000; return bit.rshift(y, 32)", want: 17},
		{name: "64-bit division", body: x + "local y = x * 0x100000000; return y / 0x100000000", want: 17},
		{name: "no 32-bit truncation", body: x + "return (x + 0x7fffffff) * 2 - 0xfffffffe", want: 34},
		{name: "64-bit compare", body: x + "if x * 0x100000000 > 0xffffffff then return 1 end return 2", want: 1},
		{name: "constant fold", body: "return 7 % 3 * 10 + 2 * 3 - 8 / 4", want: 10 + 6 - 2},
		{name: "constant division is integer division", body: "return 7 / 2", want: 3},
		{name: "constant division then run-time", body: "return 7 / 2 * pkt.ip.hlen", want: 15},
		{name: "run-time division truncates", body: "local x = pkt.ip.ttl; return x / 2 * 2", want: 16},
		{name: "constant negative", body: "return -5 + 8", want: 3},
		// The Lua VM's compiler folds -(2 * 3) in the tree both compile
		// from (see frontend.File.Proto).
		{name: "negated constant product", body: "return -(2 * 3) + 10", want: 4},
		{name: "multiple assignment", body: x + "local a, b = x, 2; a, b = b, a; return a * 100 + b", want: 217},
		{name: "reassignment", body: x + "local a = x; a = a + 1; a = a * 2; return a", want: 36},
		{name: "do block scope", body: x + "local a = 1; do local a = x; a = a + 1 end; return a", want: 1},
		{name: "tonumber", body: x + "return tonumber(x) + 1", want: 18},
		{name: "cast to uint8", body: x + "return ffi.cast('uint8_t', x + 250)", want: 11},
		{name: "cast to int8", body: x + "return ffi.cast('int8_t', x + 120)", want: neg(119)},
		{name: "cast to uint16 constant", body: "return ffi.cast('uint16_t', 0x12345)", want: 0x2345},
		{name: "sizeof", body: "return ffi.sizeof('struct { uint32_t a; uint64_t b; }') + ffi.sizeof('uint16_t')", want: 18},
	})
}

func TestLangBitOps(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n" // 17 = 0x11
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "band", body: x + "return bit.band(x, 0x0f)", want: 1},
		{name: "band many", body: x + "return bit.band(x, 0x13, 0x03)", want: 1},
		{name: "bor", body: x + "return bit.bor(x, 0x100)", want: 0x111},
		{name: "bor many", body: x + "return bit.bor(x, 0x100, 0x1000)", want: 0x1111},
		{name: "bxor", body: x + "return bit.bxor(x, 0xff)", want: 0xee},
		{name: "lshift", body: x + "return bit.lshift(x, 4)", want: 0x110},
		{name: "lshift run-time", body: x + "return bit.lshift(1, x)", want: 1 << 17},
		{name: "rshift", body: x + "return bit.rshift(x, 2)", want: 4},
		{name: "arshift", body: x + "return bit.arshift(-x, 1)", want: neg(9)},
		{name: "arshift sign", body: x + "if bit.arshift(-x, 3) < 0 then return 1 end return 2", want: 1},
		{name: "bnot", body: x + "return bit.bnot(x)", want: 0xffffffee},
		{name: "bnot twice", body: x + "return bit.bnot(bit.bnot(x))", want: 17},
		{name: "constants", body: "return bit.bor(bit.lshift(1, 4), bit.band(0xff, 0x0f), bit.rshift(0x100, 8))", want: 0x1f},
		{name: "bswap", body: x + "return bit.bswap(x)", want: 0x11000000},
	})
}

func TestLangComparisons(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n" // 17
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "lt", body: x + "return x < 18", want: 1},
		{name: "lt false", body: x + "return x < 17", want: 0},
		{name: "le", body: x + "return x <= 17", want: 1},
		{name: "gt", body: x + "return x > 17", want: 0},
		{name: "ge", body: x + "return x >= 17", want: 1},
		{name: "eq", body: x + "return x == 17", want: 1},
		{name: "ne", body: x + "return x ~= 17", want: 0},
		{name: "constant on the left", body: x + "return 10 < x", want: 1},
		{name: "two run-time values", body: x + "local y = pkt.ip.proto; return x == y", want: 1},
		{name: "two run-time values lt", body: x + "local y = pkt.ip.ver; return y < x", want: 1},
		{name: "negative less than zero", body: x + "local n = x - 20; if n < 0 then return 1 end return 2", want: 1},
		{name: "negative less than positive", body: x + "if x - 20 < x then return 1 end return 2", want: 1},
		{name: "constant comparison", body: "if 3 > 2 then return 1 end return 2", want: 1},
	})
}

func TestLangControlFlow(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n" // 17
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "if", body: x + "if x == 17 then return 1 end return 2", want: 1},
		{name: "if else", body: x + "if x ~= 17 then return 1 else return 2 end", want: 2},
		{name: "elseif", body: x + "if x < 10 then return 1 elseif x < 20 then return 2 elseif x < 30 then return 3 else return 4 end", want: 2},
		{name: "elseif last", body: x + "if x < 10 then return 1 elseif x < 15 then return 2 else return 4 end", want: 4},
		{name: "nested if", body: x + "if x > 10 then if pkt.ip.ver == 4 then return 5 end return 6 end return 7", want: 5},
		{name: "phi", body: x + "local a; if x > 10 then a = 1 else a = 2 end return a", want: 1},
		{name: "phi other path", body: x + "local a = 0; if pkt.ip.proto == 6 then a = 10 elseif pkt.ip.proto == 17 then a = 20 end return a + 1", want: 21},
		{name: "phi one-sided", body: x + "local a = 5; if x == 3 then a = 9 end return a", want: 5},
		{name: "phi of run-time values", body: x + "local a = x; if pkt.ip.ver == 4 then a = a * 2 end return a", want: 34},
		{name: "phi packet positions", body: "local d; if pkt.ip.proto == 17 then d = pkt.ip.udp.data else d = pkt.ip.tcp.data end return d[0]", want: 0x12},
		{name: "phi positions of one header", body: "local u = pkt.ip.udp; if pkt.ip.ver == 6 then u = pkt.ip6.udp end return ntoh(u.dst_port)", want: 53},
		{name: "phi positions ipv6", body: "local u = pkt.ip.udp; if pkt.ip6.ver == 6 then u = pkt.ip6.udp end return ntoh(u.dst_port)", want: 53, frame: frameUDP6},
		{name: "early return in branch", body: x + "if x > 1 then return 3 end local y = x * 2 return y", want: 3},
		{name: "fall through", body: x + "local r = 0 if x > 100 then r = 1 end if x > 10 then r = r + 2 end return r", want: 2},
	})
}

func TestLangReturnValues(t *testing.T) {
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "number", body: "return 42", want: 42},
		{name: "true", body: "return true", want: 1},
		{name: "false", body: "return false", want: 0},
		{name: "nil", body: "return nil", want: 0},
		{name: "bare return", body: "if pkt.ip.ver == 4 then return end return 5", want: 0},
		{name: "no return", body: "local x = pkt.ip.ttl", want: 0},
		{name: "comparison", body: "return pkt.ip.ttl > 5", want: 1},
		{name: "large constant", body: "return 0xffffffff", want: 0xffffffff},
	})
}

func TestLangLogic(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n"     // 17
	const z = "local z = pkt.ip.foffset\n" // 0
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "and or true", body: x + "return x > 10 and 5 or 6", want: 5},
		{name: "and or false", body: x + "return x > 20 and 5 or 6", want: 6},
		{name: "or value", body: x + "local a = (x < 10) or x; return a", want: 17},
		{name: "and value", body: x + "return x == 17 and x", want: 17},
		{name: "nil or", body: "return nil or 3", want: 3},
		{name: "false and", body: x + "return false and x", want: 0},
		{name: "zero is false in or", body: z + "return z or 4", want: 4},
		{name: "zero is false in if", body: z + "if z then return 1 end return 2", want: 2},
		{name: "zero is false in and", body: z + "return z and 7 or 8", want: 8},
		{name: "not zero", body: z + "return not z", want: 1},
		{name: "not nonzero", body: x + "return not x", want: 0},
		{name: "not comparison", body: x + "if not (x == 17) then return 1 end return 2", want: 2},
		{name: "constant zero is false", body: "if 0 then return 1 end return 2", want: 2},
		{name: "and chain", body: x + "if x > 1 and x > 2 and x < 18 then return 1 end return 2", want: 1},
		{name: "or chain", body: x + "if x == 1 or x == 2 or x == 17 then return 1 end return 2", want: 1},
		{name: "short circuit", body: x + "if x == 1 and pkt.ip.udp.data[1000] == 0 then return 1 end return 2", want: 2},
		{name: "short circuit or", body: x + "if x == 17 or pkt.ip.udp.data[1000] == 0 then return 1 end return 2", want: 1},
		{name: "mixed", body: x + "return (x == 3 or x == 17) and not (x == 4) and 9 or 10", want: 9},
	})
}

func TestLangLoops(t *testing.T) {
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "sum", body: "local s = 0; for i = 1, 10 do s = s + i end; return s", want: 55},
		{name: "run-time body", body: "local x = pkt.ip.hlen; local s = 0; for i = 1, 4 do s = s + x * i end; return s", want: 50},
		{name: "negative step", body: "local s = 0; for i = 10, 1, -3 do s = s * 10 + i end; return s", want: 10741},
		{name: "step two", body: "local s = 0; for i = 0, 9, 2 do s = s + i end; return s", want: 20},
		{name: "empty loop", body: "local s = 3; for i = 5, 1 do s = s + i end; return s", want: 3},
		{name: "break", body: "local x = pkt.ip.hlen; local s = 0; for i = 1, 10 do if i * x > 12 then break end s = s + 1 end; return s", want: 2},
		{name: "break keeps later code", body: "local s = 0; for i = 1, 10 do if i == pkt.ip.hlen then break end s = s + i end; return s * 10", want: 100},
		{name: "nested", body: "local s = 0; for i = 1, 3 do for j = 1, 4 do s = s + i * j end end; return s", want: 60},
		{name: "nested break inner", body: "local s = 0; for i = 1, 3 do for j = 1, 4 do if j > i then break end s = s + 1 end end; return s", want: 6},
		{name: "read packet bytes", body: "local s = 0; for i = 0, 3 do s = s * 256 + pkt.ip.tcp.data[i] end; return s", want: 0x47455420},
		{name: "return inside", body: "for i = 0, 10 do if pkt.ip.tcp.data[i] == 0x2f then return i end end; return 99", want: 4},
		{name: "loop variable is local", body: "local i = 7; for i = 1, 3 do end; return i", want: 7},
	})
}

func TestLangConstants(t *testing.T) {
	prelude := `
local K = 5
G = 7
local t = {a = 5, b = {c = 9}, [2] = 11, name = 'GET '}
local s = 'GET '
N = 8`
	runRetCases(t, prelude, frameTCP4, []retCase{
		{name: "upvalue number", body: "return K + pkt.ip.hlen", want: 10},
		{name: "global number", body: "return G * 2", want: 14},
		{name: "table field", body: "return t.a + t.b.c", want: 14},
		{name: "table index", body: "return t[2]", want: 11},
		{name: "table string in comparison", body: "return pkt.ip.tcp.data(0, 4) == t.name", want: 1},
		{name: "upvalue string in comparison", body: "return pkt.ip.tcp.data(0, 4) == s", want: 1},
		{name: "length of string", body: "return #s", want: 4},
		{name: "compile-time concatenation", body: "return pkt.ip.tcp.data(0, 4) == 'GE' .. 'T '", want: 1},
		{name: "global loop bound", body: "local n = 0; for i = 1, N do n = n + 1 end; return n", want: 8},
		{name: "upvalue loop bound", body: "for i = 1, K do if i == pkt.ip.hlen then return i * 10 end end; return 0", want: 50},
		{name: "c.ip", body: "return c.ip.proto_tcp * 100 + c.ip.proto_udp", want: 617},
		{name: "c.eth", body: "return c.eth.ip6", want: 0x86dd},
		{name: "c.ip.addr_loopback", body: "return c.ip.addr_loopback", want: 0x7f000001},
		{name: "BPF constants", body: "return BPF.ANY + BPF.NOEXIST * 10 + BPF.EXIST * 100", want: 210},
		{name: "BPF.F_CURRENT_CPU", body: "return BPF.F_CURRENT_CPU", want: 0xffffffff},
		{name: "bpf.ntoh upvalue", body: "return bpf.ntoh(pkt.ip.tcp.dst_port)", want: 80},
		{name: "bpf.hton upvalue", body: "return bpf.hton(0x1234, 16)", want: 0x3412},
		{name: "ntoh constant", body: "return ntoh(0x01020304)", want: 0x04030201},
		{name: "hton 16", body: "return hton(0x1234, 16)", want: 0x3412},
		{name: "ntoh 32 of run-time", body: "return ntoh(pkt.ip.hlen, 32)", want: 0x05000000},
		{name: "ntoh of 1-byte field", body: "return ntoh(pkt.ip.ttl)", want: 64},
		{name: "hton round trip", body: "return hton(ntoh(pkt.ip.tcp.dst_port))", want: 0x5000},
	})
}

func TestLangMathLog2(t *testing.T) {
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "constant", body: "return math.log2(1024)", want: 10},
		{name: "one", body: "return math.log2(pkt.ip.hlen - 4)", want: 0},
		{name: "two", body: "return math.log2(pkt.ip.hlen - 3)", want: 1},
		{name: "seventeen", body: "return math.log2(pkt.ip.ttl)", want: 4},
		{name: "len", body: "return math.log2(skb.len)", want: 6}, // 71
		{name: "power of two", body: "return math.log2(bit.lshift(1, pkt.ip.ttl))", want: 17},
		{name: "power minus one", body: "return math.log2(bit.lshift(1, pkt.ip.ttl) - 1)", want: 16},
		{name: "40 bits", body: "return math.log2(pkt.ip.ttl * 0x10000000000)", want: 44},
		{name: "63 bits", body: "return math.log2(bit.lshift(pkt.ip.ver - 3, 63))", want: 63},
	})
}

// Helpers socket filters may call.
func TestLangHelpers(t *testing.T) {
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "time", body: "local a = time(); local b = time(); if b >= a and a > 0 then return 1 end return 0", want: 1},
		{name: "cpu", body: "if cpu() < 4096 then return 1 end return 0", want: 1},
		{name: "rand", body: "local r = rand(); if r >= 0 and r <= 0xffffffff then return 1 end return 0", want: 1},
		{name: "print", body: "print('ttl %d', pkt.ip.ttl)\nreturn 1", want: 1},
	})
}
