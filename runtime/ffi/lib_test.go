package ffi

import "testing"

func TestNew(t *testing.T) {
	runCases(t, []luaCase{
		{"zeroed scalar", `print(tonumber(ffi.new('int32_t')), tonumber(ffi.new('double')))`, "0 0"},
		{"scalar init", `print(tonumber(ffi.new('int16_t', -7)), tonumber(ffi.new('uint8_t', 300)), tonumber(ffi.new('double', 1.5)))`, "-7 44 1.5"},
		{"bool init", `print(tonumber(ffi.new('bool', true)), tonumber(ffi.new('bool')), tonumber(ffi.new('bool', 5)))`, "1 0 1"},
		{"int64 exact", `print(ffi.new('int64_t', -5), ffi.new('uint64_t', -1), ffi.new('uint64_t', 2^63))`, "-5LL 18446744073709551615ULL 9223372036854775808ULL"},
		{"int64 from cdata", `print(ffi.new('uint64_t', ffi.new('int64_t', -2)), tonumber(ffi.new('int32_t', ffi.new('uint64_t', 2^32 + 3))))`, "18446744073709551614ULL 3"},
	})
	runCases(t, []luaCase{
		{"array zero", `local a = ffi.new('int [3]'); print(a[0], a[1], a[2], #a)`, "0 0 0 3"},
		{"array positional", `local a = ffi.new('int [4]', 1, 2); print(a[0], a[1], a[2], a[3])`, "1 2 0 0"},
		{"array one value repeats", `local a = ffi.new('uint8_t [3]', 9); print(a[0], a[1], a[2])`, "9 9 9"},
		{"array table 1-based", `local a = ffi.new('int [3]', {4, 5, 6}); print(a[0], a[1], a[2])`, "4 5 6"},
		{"array table 0-based", `local a = ffi.new('int [3]', {[0] = 4, 5}); print(a[0], a[1], a[2])`, "4 5 0"},
		{"array table single repeats", `local a = ffi.new('int [3]', {7}); print(a[0], a[1], a[2])`, "7 7 7"},
		{"char array string", `local a = ffi.new('char [8]', 'hi'); print(ffi.string(a), a[2], ffi.sizeof(a))`, "hi 0 8"},
		{"char array string truncated", `local a = ffi.new('char [2]', 'hello'); print(ffi.string(a, 2))`, "he"},
		{"vla", `local a = ffi.new('uint16_t [?]', 5); a[4] = 65535; print(ffi.sizeof(a), #a, a[4], tostring(ffi.typeof(a)))`, "10 5 65535 ctype<uint16_t [5]>"},
		{"vla init", `local a = ffi.new('int [?]', 3, 1, 2, 3); print(a[0], a[1], a[2])`, "1 2 3"},
		{"vls", `local s = ffi.new('struct { uint32_t n; uint8_t d[?]; }', 3); s.d[2] = 1; print(ffi.sizeof(s), s.d[2])`, "8 1"},
		{"2d array", `local a = ffi.new('int [2][3]', {{1, 2, 3}, {4, 5, 6}}); print(a[1][2], a[0][1], ffi.sizeof(a[1]))`, "6 2 12"},
		{"struct positional", `local s = ffi.new('struct { int a; double b; char c[4]; }', 1, 2.5, 'xy'); print(s.a, s.b, ffi.string(s.c))`, "1 2.5 xy"},
		{"struct table by name", `local s = ffi.new('struct { int a; int b; }', {b = 2}); print(s.a, s.b)`, "0 2"},
		{"struct table positional", `local s = ffi.new('struct { int a; int b; }', {3, 4}); print(s.a, s.b)`, "3 4"},
		{"nested struct table", `
			ffi.cdef 'struct pt { int x, y; }; struct seg { struct pt a, b; };'
			local s = ffi.new('struct seg', {a = {1, 2}, b = {x = 3, y = 4}})
			print(s.a.x, s.a.y, s.b.x, s.b.y)`, "1 2 3 4"},
		{"union first field", `local u = ffi.new('union { uint32_t i; uint8_t b[4]; }', 0x01020304); print(u.b[0], u.b[3])`, "4 1"},
		{"struct copy", `
			ffi.cdef 'struct pt { int x, y; };'
			local a = ffi.new('struct pt', 1, 2)
			local b = ffi.new('struct pt', a)
			a.x = 9
			print(b.x, b.y)`, "1 2"},
		{"anonymous members", `
			local s = ffi.new('struct { int kind; union { uint32_t u32; uint8_t bytes[4]; }; }', {kind = 1, u32 = 0x0a0b0c0d})
			print(s.kind, s.u32, s.bytes[0])`, "1 168496141 13"},
		{"pointer init", `local p = ffi.new('const char *', 'abc'); print(ffi.string(p), p[1])`, "abc 98"},
		{"ctype call", `local pt = ffi.typeof('struct { int x, y; }'); local p = pt(5, 6); print(p.x + p.y)`, "11"},
		{"enum", `ffi.cdef 'enum color { RED, GREEN = 5, BLUE };'; local e = ffi.new('enum color', 6); print(e, tonumber(e), ffi.C.BLUE)`, "cdata<enum color>: 6 6 6"},
		{"enum from name", `ffi.cdef 'enum color { RED, GREEN = 5, BLUE };'; local s = ffi.new('struct { enum color c; }', 'GREEN'); print(s.c)`, "5"},
	})
}

func TestTypeofCast(t *testing.T) {
	runCases(t, []luaCase{
		{"typeof string", `print(ffi.typeof('unsigned long long int'), ffi.typeof('const char *'), ffi.typeof('uint8_t[?]'))`,
			"ctype<unsigned long long> ctype<char *> ctype<uint8_t [?]>"},
		{"typeof cdata", `print(ffi.typeof(ffi.new('int16_t [2]')))`, "ctype<int16_t [2]>"},
		{"typeof params", `local u = ffi.typeof('uint32_t'); print(ffi.typeof('$ *', u), ffi.typeof('struct { $ k; $ v[2]; }', u, ffi.typeof('char')))`,
			"ctype<uint32_t *> ctype<struct { uint32_t k; char v[2]; }>"},
		{"typeof equality", `print(ffi.typeof('uint32_t') == ffi.typeof('unsigned int'), ffi.typeof('int') == ffi.typeof('char'))`, "true false"},
		{"cast truncates", `print(tonumber(ffi.cast('uint8_t', 0x1234)), tonumber(ffi.cast('int8_t', 255)), tonumber(ffi.cast('uint32_t', -1)))`, "52 -1 4294967295"},
		{"cast extends", `print(ffi.cast('int64_t', ffi.new('int8_t', -2)), ffi.cast('uint64_t', ffi.new('int32_t', -1)))`, "-2LL 18446744073709551615ULL"},
		{"cast 64 to 32", `print(tonumber(ffi.cast('uint32_t', ffi.new('uint64_t', 0x123456789))))`, "591751049"},
		{"cast number to pointer", `print(ffi.cast('char *', 0x1234), ffi.cast('void *', 0), ffi.cast('uint8_t *', 0x123456789abc))`,
			"cdata<char *>: 0x00001234 cdata<void *>: NULL cdata<uint8_t *>: 0x123456789abc"},
		{"cast pointer to integer", `print(ffi.cast('uintptr_t', ffi.cast('void *', 0x42)), tonumber(ffi.cast('intptr_t', ffi.cast('char *', 7))))`, "66ULL 7"},
		{"cast array to pointer", `
			local a = ffi.new('uint8_t [4]', 1, 2, 3, 4)
			local p = ffi.cast('uint8_t *', a)
			local q = ffi.cast('uint16_t *', a)
			print(p[3], q[1], (p + 2)[1], ffi.cast('uintptr_t', p) == ffi.cast('uintptr_t', a))`, "4 1027 4 true"},
		{"cast struct to pointer", `
			local s = ffi.new('struct { uint32_t a, b; }', 1, 2)
			local p = ffi.cast('uint32_t *', s)
			p[1] = 7
			print(s.b)`, "7"},
		{"cast pointer to struct pointer", `
			ffi.cdef 'struct hdr { uint8_t type; uint8_t len; };'
			local buf = ffi.new('uint8_t [4]', 1, 2, 3, 4)
			local h = ffi.cast('struct hdr *', ffi.cast('uint8_t *', buf) + 2)
			print(h.type, h.len, h[0].len)`, "3 4 4"},
		{"cast string to pointer", `local p = ffi.cast('const char *', 'xyz'); print(ffi.string(p), p[3])`, "xyz 0"},
	})
}

func TestStringCopyFill(t *testing.T) {
	runCases(t, []luaCase{
		{"string stops at nul", `local a = ffi.new('char [6]', 'ab'); a[3] = 65; print(#ffi.string(a), ffi.string(a, 4) == 'ab\0A')`, "2 true"},
		{"string of full array", `local a = ffi.new('char [3]'); ffi.copy(a, 'xyz', 3); print(ffi.string(a))`, "xyz"},
		{"string of struct bytes", `local s = ffi.new('struct { uint16_t a; uint16_t b; }', 0x4241, 0x4443); print(ffi.string(s, 4))`, "ABCD"},
		{"string of pointer", `local a = ffi.new('char [8]', 'hello'); print(ffi.string(ffi.cast('char *', a) + 1), ffi.string(a + 2, 2))`, "ello ll"},
		{"string of lua string", `print(ffi.string('abc'), ffi.string('abc', 2))`, "abc ab"},
		{"copy string adds nul", `local a = ffi.new('char [4]', 'zzz'); ffi.copy(a, 'ab'); print(ffi.string(a, 3) == 'ab\0')`, "true"},
		{"copy cdata", `local a = ffi.new('int [2]', 1, 2); local b = ffi.new('int [2]'); ffi.copy(b, a, ffi.sizeof(a)); print(b[0], b[1])`, "1 2"},
		{"copy into field", `local s = ffi.new('struct { int x; char n[4]; }'); ffi.copy(s.n, 'abc'); print(ffi.string(s.n), s.x)`, "abc 0"},
		{"fill", `local a = ffi.new('uint8_t [4]'); ffi.fill(a, 3, 7); print(a[0], a[2], a[3]); ffi.fill(a, 4); print(a[0])`, "7 7 0\n0"},
	})
}

func TestSizeofOffsetof(t *testing.T) {
	runCases(t, []luaCase{
		{"sizeof", `print(ffi.sizeof('uint64_t'), ffi.sizeof('char [40]'), ffi.sizeof('uint8_t[?]', 5), ffi.sizeof('uint8_t[?]'), ffi.sizeof('void *'))`, "8 40 5 nil 8"},
		// LuaJIT's sizeof is nil past the largest C type (2^31 - 1
		// bytes); a size it can have is exact, however large.
		{"sizeof huge vla", `print(ffi.sizeof('uint8_t[?]', 1e12), ffi.sizeof('uint64_t[?]', 268435456), ffi.sizeof('uint64_t[?]', 268435455), ffi.sizeof('struct { int n; char d[?]; }', 3e9), ffi.sizeof('uint8_t[?]', 0/0))`, "nil nil 2147483640 nil nil"},
		{"sizeof huge array", `print(ffi.sizeof('char [2000000000]'), ffi.sizeof(ffi.typeof('char [65536][32767]')))`, "2000000000 2147418112"},
		{"new at the limit", `print(ffi.sizeof(ffi.new('uint8_t[?]', 268435456)))`, "268435456"},
		{"sizeof incomplete", `ffi.cdef 'struct opaque;'; print(ffi.sizeof('struct opaque'))`, "nil"},
		{"alignof", `print(ffi.alignof('uint64_t'), ffi.alignof('struct { char c; short s; }'), ffi.alignof('char [3]'))`, "8 2 1"},
		{"offsetof", `
			ffi.cdef 'struct eth_t { uint8_t dst[6]; uint8_t src[6]; uint16_t type; } __attribute__((packed));'
			print(ffi.offsetof('struct eth_t', 'src'), ffi.offsetof('struct eth_t', 'type'), ffi.offsetof('struct eth_t', 'nope') == nil)`, "6 12 true"},
		{"offsetof bitfields", `
			ffi.cdef [[
			struct ip_t { uint8_t ver:4; uint8_t hlen:4; uint8_t tos; uint16_t tlen; uint16_t identification;
				uint16_t ffo_unused:1; uint16_t df:1; uint16_t mf:1; uint16_t foffset:13;
				uint8_t ttl; uint8_t proto; uint16_t hchecksum; uint32_t src; uint32_t dst; } __attribute__((packed));
			struct ip6_t { uint32_t ver:4; uint32_t priority:8; uint32_t flow_label:20; uint16_t payload_len; } __attribute__((packed));
			]]
			print(ffi.offsetof('struct ip_t', 'hlen'))
			print(ffi.offsetof('struct ip_t', 'foffset'))
			print(ffi.offsetof('struct ip6_t', 'flow_label'))
			print(ffi.offsetof('struct ip_t', 'proto'))`, "0 4 4\n6 3 13\n0 12 20\n9"},
		{"istype", `
			ffi.cdef 'struct pt { int x; };'
			local p = ffi.new('struct pt')
			print(ffi.istype('struct pt', p), ffi.istype('struct pt *', p), ffi.istype('struct pt', ffi.cast('struct pt *', p)))
			print(ffi.istype('int', 1), ffi.istype('uint32_t', ffi.new('unsigned int')), ffi.istype('void', ffi.typeof('void')))
			print(ffi.istype('uint8_t [?]', ffi.new('uint8_t [?]', 3)), ffi.istype('uint8_t [4]', ffi.new('uint8_t [3]')))`,
			"true false true\nfalse true true\ntrue false"},
	})
}

func TestCdefAndC(t *testing.T) {
	runCases(t, []luaCase{
		{"strtoull family", `
			ffi.cdef [[
			unsigned long long strtoull(const char *, char **, int);
			long long strtoll(const char *nptr, char **endptr, int base);
			unsigned long strtoul(const char *, char **, int);
			long strtol(const char *, char **, int);
			int atoi(const char *);
			size_t strlen(const char *);
			int getpid(void);
			]]
			print(ffi.C.strtoull('  0x10', nil, 0), ffi.C.strtoll('-42xyz', nil, 10), ffi.C.strtoul('777', nil, 8), ffi.C.strtol('z', nil, 36))
			print(ffi.C.atoi('12abc'), ffi.C.strlen('hello'), type(ffi.C.getpid()))
			local buf = ffi.new('char [8]', 'abc')
			print(ffi.C.strlen(buf))`,
			"16ULL -42LL 511ULL 35LL\n12 5ULL number\n3ULL"},
		{"strtoull overflow sets errno", `
			ffi.cdef 'unsigned long long strtoull(const char *, char **, int);'
			ffi.errno(0)
			print(ffi.C.strtoull('99999999999999999999999', nil, 10), ffi.errno(), ffi.errno(0), ffi.errno())`,
			"18446744073709551615ULL 34 34 0"},
		{"cdef several", `
			ffi.cdef [[
			typedef struct { uint32_t saddr, daddr; } conn_t;
			enum { A = 1, B = A << 3 };
			]]
			print(ffi.sizeof('conn_t'), ffi.C.B)`, "8 8"},
		{"abi os arch", `print(ffi.abi('le'), ffi.abi('64bit'), ffi.abi('linux'), ffi.abi('be'), ffi.abi('32bit'), ffi.os, ffi.arch)`,
			"true true true false false Linux x64"},
		{"gc returns cdata", `local a = ffi.new('int'); print(ffi.gc(a, print) == a)`, "true"},
	})
}
