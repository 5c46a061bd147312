package ffi

import "testing"

// protoHeaders declares some of the packet headers of the original
// proto.lua, whose bitfields scripts read.
const protoHeaders = `ffi.cdef [[
struct ip_t {
	uint8_t ver:4; uint8_t hlen:4; uint8_t tos; uint16_t tlen; uint16_t identification;
	uint16_t ffo_unused:1; uint16_t df:1; uint16_t mf:1; uint16_t foffset:13;
	uint8_t ttl; uint8_t proto; uint16_t hchecksum; uint32_t src; uint32_t dst;
} __attribute__((packed));
struct tcp_t {
	uint16_t src_port; uint16_t dst_port; uint32_t seq_num; uint32_t ack_num;
	uint8_t offset:4; uint8_t reserved:4;
	uint8_t flag_cwr:1; uint8_t flag_ece:1; uint8_t flag_urg:1; uint8_t flag_ack:1;
	uint8_t flag_psh:1; uint8_t flag_rst:1; uint8_t flag_syn:1; uint8_t flag_fin:1;
	uint16_t rcv_wnd; uint16_t cksum; uint16_t urg_ptr;
} __attribute__((packed));
struct vxlan_t {
	uint32_t rsv1:4; uint32_t iflag:1; uint32_t rsv2:3; uint32_t rsv3:24;
	uint32_t key:24; uint32_t rsv4:8;
} __attribute__((packed));
]]
`

func TestFieldAccess(t *testing.T) {
	runCases(t, []luaCase{
		{"struct fields", `
			local s = ffi.new('struct { int8_t a; uint16_t b; int64_t c; double d; bool e; char *p; }')
			s.a, s.b, s.c, s.d, s.e = -1, 65535, -2^40, 0.25, true
			print(s.a, s.b, s.c, s.d, s.e, s.p)`,
			"-1 65535 -1099511627776LL 0.25 true cdata<char *>: NULL"},
		{"nested struct shares memory", `
			local s = ffi.new('struct { int x; struct { int y; int z[2]; } in; }')
			local inner = s['in']
			inner.y = 5
			inner.z[1] = 6
			print(s['in'].y, s['in'].z[1], ffi.sizeof(inner))`, "5 6 12"},
		{"struct assignment copies", `
			ffi.cdef 'struct pt { int x, y; }; struct seg { struct pt a, b; };'
			local s = ffi.new('struct seg')
			local p = ffi.new('struct pt', 3, 4)
			s.b = p
			p.x = 0
			s.a = {7, 8}
			print(s.a.x, s.a.y, s.b.x, s.b.y)`, "7 8 3 4"},
		{"array field from string", `local s = ffi.new('struct { char n[4]; }'); s.n = 'ab'; print(ffi.string(s.n), s.n[2])`, "ab 0"},
		{"array field from array", `
			local s = ffi.new('struct { uint8_t mac[6]; }')
			s.mac = ffi.new('uint8_t [6]', 1, 2, 3, 4, 5, 6)
			print(s.mac[0], s.mac[5])`, "1 6"},
		{"anonymous union", `
			local s = ffi.new('struct { uint8_t c; union { uint16_t all; struct { uint16_t lo:4, hi:12; }; }; }')
			s.all = 0xabc5
			print(s.lo, s.hi); s.hi = 1; print(bit.tohex(s.all, 4))`, "5 2748\n0015"},
		{"ip bitfields", protoHeaders + `
			local ip = ffi.new('struct ip_t')
			local raw = ffi.cast('uint8_t *', ip)
			raw[0] = 0x45; raw[6] = 0x40; raw[7] = 0x05; raw[9] = 17
			print(ip.ver, ip.hlen, ip.df, ip.mf, ip.foffset, ip.proto)
			ip.foffset = 0x1fff; ip.ver = 6
			print(raw[0], raw[6], raw[7], ip.df)`,
			"5 4 0 0 168 17\n70 248 255 0"},
		{"tcp flags", protoHeaders + `
			local tcp = ffi.new('struct tcp_t')
			tcp.flag_syn = 1; tcp.flag_ack = true; tcp.offset = 5
			print(ffi.cast('uint8_t *', tcp)[13], ffi.cast('uint8_t *', tcp)[12], tcp.flag_syn, tcp.flag_fin)`,
			"72 5 1 0"},
		{"vxlan key", protoHeaders + `
			local v = ffi.new('struct vxlan_t')
			v.key = 0xabcdef; v.rsv4 = 0x12; v.iflag = 1
			print(bit.tohex(v.key), v.rsv4, v.iflag, ffi.cast('uint32_t *', v)[1])`,
			"00abcdef 18 1 313249263"},
		{"signed bitfield", `
			local s = ffi.new('struct { int a:3; unsigned b:3; int64_t c:40; bool d:1; }')
			s.a, s.b, s.c, s.d = -1, 7, -5, 2
			print(s.a, s.b, s.c, s.d)`, "-1 7 -5LL true"},
		{"pointer to struct fields", `
			local s = ffi.new('struct { int x, y; }', 1, 2)
			local p = ffi.cast('struct { int x, y; } *', s)
			print(p.x)`, "1"},
		{"pointer index and arithmetic", `
			local a = ffi.new('int32_t [4]', 10, 20, 30, 40)
			local p = a + 1
			print(p[0], p[2], p[-1], (p + 1)[0], (p - 1)[0], p - a, (a + 3) - p)
			p[1] = 99
			print(a[2], p == a + 1, p < a + 2, a + 2 <= p)`,
			"20 40 10 30 10 1LL 2LL\n99 true true false"},
		{"index with cdata", `local a = ffi.new('int [3]', 1, 2, 3); print(a[ffi.new('uint64_t', 2)])`, "3"},
		{"static const through cdata", `ffi.cdef 'struct k { static const int MAX = 8; int v; };'; local k = ffi.new('struct k'); print(k.MAX)`, "8"},
	})
}

func TestArithmetic(t *testing.T) {
	runCases(t, []luaCase{
		{"uint64", `local x = ffi.new('uint64_t', 2^40); print(x + 1, x - 1, x * 2, x / 3, x % 7, -ffi.new('uint64_t', 1))`,
			"1099511627777ULL 1099511627775ULL 2199023255552ULL 366503875925ULL 2ULL 18446744073709551615ULL"},
		{"int64", `local x = ffi.new('int64_t', -7); print(x + 1, x * x, x / 2, x % 3, -x, x ^ 3, 2 ^ ffi.new('int64_t', 62))`,
			"-6LL 49LL -3LL -1LL 7LL -343LL 4611686018427387904LL"},
		{"mixed signedness", `print(ffi.new('int64_t', -1) + ffi.new('uint64_t', 1), ffi.new('int32_t', 5) + 1, ffi.new('uint32_t', 7) * ffi.new('uint8_t', 6))`,
			"0ULL 6LL 42LL"},
		{"exact beyond 2^53", `local x = ffi.new('uint64_t', 2^53); print(x + 1, tonumber(x + 1) == 2^53)`, "9007199254740993ULL true"},
		{"wraparound", `print(ffi.new('uint64_t', 0) - 1, ffi.new('int64_t', 2^62) * 4)`, "18446744073709551615ULL 0LL"},
		{"division by zero", `print(ffi.new('int64_t', 1) / 0, ffi.new('uint64_t', 1) % 0, ffi.new('int64_t', 0) ^ -1)`,
			"-9223372036854775808LL 9223372036854775808ULL 9223372036854775807LL"},
		{"double cdata truncates", `print(ffi.new('double', 2.7) + 1)`, "3LL"},
		{"compare", `
			local a, b = ffi.new('uint64_t', 1), ffi.new('uint64_t', 2)
			print(a < b, a <= b, a == b, a == ffi.new('int64_t', 1), b > a, ffi.new('int64_t', -1) < ffi.new('int64_t', 0))
			print(ffi.new('int64_t', -1) < ffi.new('uint64_t', 0), a == 1, ffi.new('int32_t', 3) == ffi.new('double', 3))`,
			"true true false true true true\nfalse false true"},
		{"aggregate equality is identity", `
			local s = ffi.new('struct { int x; struct { int y; } in; }')
			local t = ffi.new('struct { int x; }')
			print(s['in'] == s['in'], s == s, ffi.new('int [1]') == ffi.new('int [1]'))`, "true true false"},
	})
}

func TestToStringToNumber(t *testing.T) {
	runCases(t, []luaCase{
		{"int64 strings", `print(tostring(ffi.new('uint64_t', 123)), tostring(ffi.new('int64_t', -5)), tostring(ffi.new('long', 3)), tostring(ffi.new('size_t', 4)))`,
			"123ULL -5LL 3LL 4ULL"},
		{"aggregate strings", `
			print(tostring(ffi.new('uint32_t [1]')):match('^cdata<uint32_t %[1%]>: 0x%x%x%x%x%x%x%x%x+$') ~= nil)
			print(tostring(ffi.new('struct { int a; }')):match('^cdata<struct { int a; }>: 0x%x+$') ~= nil)
			print(tostring(ffi.new('uint8_t', 1)):match('^cdata<uint8_t>: 0x%x+$') ~= nil)`,
			"true\ntrue\ntrue"},
		{"pointer strings", `print(tostring(ffi.cast('char *', 0x1234)), tostring(ffi.cast('void *', 0)), tostring(ffi.cast('char *', 0x100000000)))`,
			"cdata<char *>: 0x00001234 cdata<void *>: NULL cdata<char *>: 0x0100000000"},
		{"ctype string", `print(tostring(ffi.typeof('struct { uint64_t pid; char str[80]; }')))`, "ctype<struct { uint64_t pid; char str[80]; }>"},
		{"tonumber", `
			print(tonumber(ffi.new('uint32_t', 7)), tonumber(ffi.new('int8_t', -3)), tonumber(ffi.new('float', 0.5)), tonumber(ffi.new('bool', true)))
			print(tonumber(ffi.new('uint64_t', 2^40)), tonumber(ffi.new('int64_t', -2^40)))
			print(tonumber(ffi.cast('char *', 5)), tonumber(ffi.new('int [2]')), tonumber(ffi.typeof('int')))
			print(tonumber('0x10'), tonumber('z', 36), tonumber('nope'), tonumber(ffi.new('int', 8), 10))`,
			"7 -3 0.5 1\n1099511627776 -1099511627776\nnil nil nil\n16 35 nil 8"},
		{"tostring of others unchanged", `print(tostring(12), tostring(nil), tostring('x'), tostring(setmetatable({}, {__tostring = function() return 'T' end})))`, "12 nil x T"},
		{"format with tonumber", `print(string.format('%d events', tonumber(ffi.new('uint64_t', 42))))`, "42 events"},
		{"format cdata as numbers", `
			local big = ffi.new('uint64_t', 2^63) + 1
			print(string.format('%d %d %5d|%-3d|%i', big, ffi.new('int64_t', -5), ffi.new('uint32_t', 42), ffi.new('int8_t', 7), ffi.new('uint16_t', 9)))
			print(string.format('%x %X %o %08x', big, ffi.new('uint64_t', 255), ffi.new('int', 8), ffi.new('uint64_t', 0xbeef)))
			print(string.format('%.1f %g', ffi.new('uint64_t', 3), ffi.new('double', 0.25)))
			print(string.format('%s %s %q', big, ffi.new('int64_t', -5), ffi.new('uint64_t', 1)))
			print(('%d|%d'):format(ffi.new('uint64_t', 12), 13), string.format('100%% %d%%', ffi.new('int64_t', 1)))
			print(string.format('%s', ffi.new('int [1]')):match('^cdata<int %[1%]>: 0x%x+$') ~= nil, string.format('%d %s', 1.0, 'x'))`,
			"9223372036854775809 -5    42|7  |9\n8000000000000001 FF 10 0000beef\n3.0 0.25\n9223372036854775809ULL -5LL 1ULL\n12|13 100% 1%\ntrue 1 x"},
	})
}

func TestBit(t *testing.T) {
	runCases(t, []luaCase{
		{"tobit", `print(bit.tobit(0xffffffff), bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(1.5), bit.tobit(2.5), bit.tobit('12'))`, "-1 5 -1 2 2 12"},
		{"tohex", `print(bit.tohex(1), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(0x12345678, 12))`, "00000001 ffffffff ff 00FF 12345678"},
		{"logic", `print(bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(0xff, 0x0f), bit.bnot(0))`, "3 7 240 -1"},
		{"shifts", `print(bit.lshift(1, 31), bit.lshift(1, 32), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8))`,
			"-2147483648 1 15 -16 878082066 2014458966"},
		{"bswap", `print(bit.tohex(bit.bswap(0x12345678)))`, "78563412"},
		{"64-bit", `
			local x = ffi.new('uint64_t', 0xff)
			print(bit.lshift(x, 40), bit.band(x, 0xf), bit.bor(ffi.new('int64_t', 1), 2), bit.bnot(ffi.new('int64_t', 0)))
			print(bit.rshift(ffi.new('uint64_t', -1), 60), bit.arshift(ffi.new('int64_t', -256), 4), bit.tohex(bit.bswap(ffi.new('uint64_t', 0x01020304) * 0x100000000 + 0x05060708)))
			print(bit.tohex(ffi.new('uint64_t', 0xabc)), bit.tohex(ffi.new('int64_t', -1), -4), bit.tobit(ffi.new('uint64_t', 2^32 + 7)))
			print(bit.rol(ffi.new('uint64_t', 1), 63), bit.ror(ffi.new('uint64_t', 1), 1))`,
			"280375465082880ULL 15ULL 3LL -1LL\n15ULL -16LL 0807060504030201\n0000000000000abc FFFF 7\n9223372036854775808ULL 9223372036854775808ULL"},
		{"require bit", `local b = require('bit'); print(b == bit, b.band(3, 5))`, "true 1"},
	})
}
