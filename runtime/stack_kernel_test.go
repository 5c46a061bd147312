package runtime

import (
	"testing"
)

// Stack objects made with ffi.new in kernel code. Run-time inputs come
// from frameTCP4 (ip.ver == 4, ip.hlen == 5, ip.ttl == 64, tcp.data is
// "GET /index.html HTTP/1.1...").
func TestStackObjects(t *testing.T) {
	const b = "local b = ffi.new('uint8_t [8]')\n"
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "zeroed", body: b + "local s = 0; for i = 0, 7 do s = s + b[i] end; return s", want: 0},
		{name: "constant index", body: b + "b[3] = 9; b[7] = 1; return b[3] * 10 + b[7]", want: 91},
		{name: "run-time index write", body: b + "local i = pkt.ip.hlen - 2; b[i] = 7; return b[3]", want: 7},
		{name: "run-time index read", body: b + "b[2] = 5; return b[pkt.ip.ver - 2]", want: 5},
		{name: "run-time index read write", body: b + "local i = pkt.ip.hlen; b[i] = pkt.ip.ttl; return b[i] + b[5]", want: 128},
		{name: "out-of-range read gives 0", body: b + "for i = 0, 7 do b[i] = 1 end; return b[pkt.ip.ttl]", want: 0},
		{name: "read just past the end gives 0", body: b + "for i = 0, 7 do b[i] = 1 end; return b[pkt.ip.ver + 4]", want: 0},
		{name: "last element at run-time index", body: b + "b[7] = 3; return b[pkt.ip.ver + 3]", want: 3},
		{name: "negative index read gives 0", body: b + "for i = 0, 7 do b[i] = 1 end; return b[pkt.ip.ver - 5]", want: 0},
		{name: "out-of-range write does nothing", body: b + "b[pkt.ip.ttl] = 5; b[pkt.ip.ver + 4] = 6; b[pkt.ip.ver - 5] = 7; local s = 0; for i = 0, 7 do s = s + b[i] end; return s", want: 0},
		{name: "byte wraps", body: b + "b[0] = 0x1ff; return b[0]", want: 0xff},
		{name: "uint32 array", body: "local a = ffi.new('uint32_t [4]'); a[1] = 0x12345678; a[pkt.ip.ver - 1] = 2; return a[1] + a[3]", want: 0x1234567a},
		{name: "uint64 elements", body: "local a = ffi.new('uint64_t [2]'); a[1] = pkt.ip.ttl * 0x100000000; return bit.rshift(a[1], 32)", want: 64},
		{name: "int8 elements are signed", body: "local a = ffi.new('int8_t [2]'); a[0] = 0xff; if a[0] < 0 then return 1 end return 2", want: 1},
		{name: "initial values", body: "local a = ffi.new('uint32_t [4]', 1, 2, 3); return a[0] + a[1] * 10 + a[2] * 100 + a[3] * 1000", want: 321},
		{name: "initial run-time values", body: "local a = ffi.new('uint16_t [2]', pkt.ip.ttl, skb.len); return a[0] + a[1]", want: 64 + uint32(len(frameTCP4))},
		{name: "scalar with initial value", body: "local n = ffi.new('uint32_t [1]', 5); return n[0]", want: 5},
		{name: "struct initial values", body: "local s = ffi.new('struct { uint8_t a; uint16_t b; uint32_t c; }', 1, 2, 3); return s.a + s.b * 10 + s.c * 100", want: 321},
		{name: "struct fields", body: "local s = ffi.new('struct { uint32_t a; uint64_t b; }'); s.a = pkt.ip.ttl; s.b = s.a * 0x100000000; return bit.rshift(s.b, 32) + s.a", want: 128},
		{name: "struct field wraps", body: "local s = ffi.new('struct { uint16_t a; uint16_t b; }'); s.a = 0x12345; return s.a + s.b", want: 0x2345},
		{name: "bitfields", body: "local s = ffi.new('struct { uint8_t lo:4; uint8_t hi:4; }'); s.lo = 3; s.hi = pkt.ip.hlen * 2; return s.lo + s.hi * 16", want: 0xa3},
		{name: "bitfield masks", body: "local s = ffi.new('struct { uint8_t lo:4; uint8_t hi:4; }'); s.hi = 2; s.lo = 0x1f; return s.lo + s.hi * 16", want: 0x2f},
		{name: "nested struct", body: "local s = ffi.new('struct { uint32_t a; struct { uint16_t x; uint16_t y; } p; }'); s.p.y = 6; s.a = 1; return s.p.y * 10 + s.a + s.p.x", want: 61},
		{name: "array in struct", body: "local s = ffi.new('struct { uint8_t n; uint8_t v[3]; }'); s.v[2] = 4; s.v[pkt.ip.ver - 4] = 2; return s.v[0] * 10 + s.v[2]", want: 24},
		{name: "vla", body: "local v = ffi.new('uint8_t [?]', 16); v[15] = 9; return v[15] + #v", want: 25},
		{name: "length", body: b + "return #b", want: 8},
		{name: "sizeof object", body: "local s = ffi.new('struct { uint32_t a; uint64_t b; }'); return ffi.sizeof(s)", want: 16},
		{name: "uint16 array of 3", body: "local a = ffi.new('uint16_t [3]'); a[2] = 7; return a[2] + a[0]", want: 7},
		{name: "odd-sized objects together", body: "local a = ffi.new('uint8_t [3]'); local s = ffi.new('char [8]'); ffi.copy(s, 'abcdefg'); a[2] = 1; if s == 'abcdefg' then return a[2] + 1 end return 0", want: 2},
		{name: "12-byte struct", body: "local s = ffi.new('struct { char name[8]; uint32_t n; }')\ns.n = 4\nreturn s.n", want: 4},
		{name: "12-byte struct and another", body: "local s = ffi.new('struct { char name[8]; uint32_t n; }')\nlocal b = ffi.new('uint32_t [1]')\ns.n = 4\nb[0] = 1\nreturn s.n + b[0]", want: 5},
		{name: "new object per iteration", body: "local s = 0\nfor i = 1, 20 do local b = ffi.new('uint32_t [4]'); b[1] = i; s = s + b[1] + b[0] end\nreturn s", want: 210},
		// Each iteration's object is dead before the next one is made,
		// so 40 of them fit in the stack when slots are reused.
		{name: "new object per iteration 40", body: "local s = 0\nfor i = 1, 40 do local b = ffi.new('uint32_t [4]'); b[1] = i; s = s + b[1] + b[0] end\nreturn s", want: 820},
		{name: "object made in a branch", body: "local s = 1\nif pkt.ip.ver == 4 then local k = ffi.new('uint32_t [2]', 7, 8); s = k[1] end\nreturn s", want: 8},
		{name: "typeof object", body: "local a = ffi.new('uint16_t [3]'); local b = ffi.new(ffi.typeof(a)); b[2] = 7; return b[2] + ffi.sizeof(b)", want: 13},
	})
}

func TestStackCopy(t *testing.T) {
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "copy string", body: "local s = ffi.new('char [16]'); ffi.copy(s, 'hello'); return s[4] * 256 + s[5]", want: 'o' * 256},
		{name: "copy string compares", body: "local s = ffi.new('char [16]'); ffi.copy(s, 'hello'); return s == 'hello'", want: 1},
		{name: "copy with length", body: "local s = ffi.new('char [8]'); ffi.copy(s, 'abcdef', 3); return s == 'abc'", want: 1},
		{name: "copy from packet", body: "local b = ffi.new('uint8_t [4]'); ffi.copy(b, pkt.ip.tcp.data, 4); return b[0] * 0x1000000 + b[1] * 0x10000 + b[2] * 0x100 + b[3]", want: 0x47455420},
		{name: "copy from packet whole", body: "local c = ffi.new('char [4]'); ffi.copy(c, pkt.ip.tcp.data); return c == 'GET '", want: 1},
		{name: "copy from packet offset", body: "local c = ffi.new('char [8]'); ffi.copy(c, pkt.ip.tcp.data + 4, 6); return c == '/index'", want: 1},
		{name: "copy from packet run-time offset", body: "local c = ffi.new('char [4]'); ffi.copy(c, pkt.ip.tcp.data + pkt.ip.hlen - 1, 4); return c == '/ind'", want: 1},
		{name: "copy from skb.data", body: "local b = ffi.new('uint8_t [2]'); ffi.copy(b, skb.data + 12, 2); return b[0] * 256 + b[1]", want: 0x0800},
		{name: "copy stack to stack", body: "local a = ffi.new('uint32_t [2]', 1, 2); local b = ffi.new('uint32_t [2]'); ffi.copy(b, a); return b[0] * 10 + b[1]", want: 12},
		{name: "fill", body: "local b = ffi.new('uint8_t [4]'); ffi.fill(b, 3, 0x11); return b[0] + b[2] + b[3]", want: 0x22},
		{name: "assign string to array member", body: "local s = ffi.new('struct { uint8_t n; char name[7]; }'); s.name = 'abc'; return s.name == 'abc'", want: 1},
		{name: "char array init", body: "local s = ffi.new('char [8]', 'abc'); return s[2]", want: 'c'},
	})
}

func TestStackLoadBytes(t *testing.T) {
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "load", body: "local b = ffi.new('uint8_t [4]'); local r = load_bytes(14 + 20 + 24, b); return r * 1000 + b[1]", want: 'E'},
		{name: "run-time offset", body: "local b = ffi.new('char [4]'); load_bytes(pkt.ip.tcp.data - pkt, b); return b == 'GET '", want: 1},
		{name: "beyond the end fails", body: "local b = ffi.new('uint8_t [4]'); local r = load_bytes(skb.len - 2, b); if r ~= 0 then return 1 end return 2", want: 1},
		{name: "last bytes succeed", body: "local b = ffi.new('uint8_t [4]'); local r = load_bytes(skb.len - 4, b); if r == 0 then return b[3] end return 300", want: '\n'},
	})
}

// char array == 'string' is C string equality: a buffer longer than the
// string must hold a NUL right after it.
func TestStackStringEquality(t *testing.T) {
	const abc = "local s = ffi.new('char [8]'); ffi.copy(s, 'abc')\n"
	runRetCases(t, "", frameTCP4, []retCase{
		{name: "equal", body: abc + "return s == 'abc'", want: 1},
		{name: "prefix", body: abc + "return s == 'ab'", want: 0},
		{name: "longer", body: abc + "return s == 'abcd'", want: 0},
		{name: "differs", body: abc + "return s == 'abd'", want: 0},
		{name: "not equal", body: abc + "return s ~= 'abd'", want: 1},
		{name: "not equal same", body: abc + "return s ~= 'abc'", want: 0},
		{name: "empty", body: "local s = ffi.new('char [8]'); return s == ''", want: 1},
		{name: "too long for the buffer", body: abc + "return s == 'abcdefghij'", want: 0},
		{name: "full buffer", body: "local s = ffi.new('char [4]'); ffi.copy(s, 'abcd', 4); return s == 'abcd'", want: 1},
		{name: "run-time content", body: "local s = ffi.new('char [8]'); s[0] = pkt.ip.tcp.data[0]; s[1] = pkt.ip.tcp.data[1]; return s == 'GE'", want: 1},
		{name: "in condition", body: abc + "if s == 'abc' then return 5 end return 6", want: 5},
		{name: "string on the left", body: abc + "return 'abc' == s", want: 1},
	})
}
