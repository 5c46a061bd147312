package runtime

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
)

// Regression tests for memory access in lowering (issue bugs C5 and the
// packed-struct bug): run-time array indices and misaligned members.
// Run-time inputs come from frameTCP4 (ip.ver == 4, ip.ttl == 64, TCP
// payload "GET /index.html ...", 58 bytes into the frame).

// i is 1 at run time; far is out of range for every array here.
const idx = "local i = pkt.ip.ver - 3\nlocal far = pkt.ip.ttl\n"

// C5: a run-time index was ignored by string comparison, by ffi.copy and
// load_bytes into an element, and by struct map keys and values taken
// from an element: all of them used element 0.
func TestIrgenC5RuntimeIndexEverywhere(t *testing.T) {
	const pair = "struct { uint32_t a; uint32_t b; }"
	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"m":  {Type: "hash", KeyType: pair, ValueType: "uint32_t", MaxEntries: 8},
		"mv": {Type: "hash", KeyType: "uint32_t", ValueType: pair, MaxEntries: 8},
		"ma": {Type: "array", ValueType: "struct { uint64_t n[4]; }", MaxEntries: 1},
		"mc": {Type: "array", ValueType: "struct { char s[2][4]; }", MaxEntries: 1},
	}}
	setup := func(t *testing.T, c *ebpf.Collection) {
		put(t, c, "m", [2]uint32{2, 0}, uint32(9))
	}
	const strs = idx + "local a = ffi.new('char [3][4]')\nffi.copy(a[1], 'abc')\n"
	const bufs = idx + "local b = ffi.new('char [2][4]')\n"
	const keys = idx + "local keys = ffi.new('" + pair + " [2]')\nkeys[0].a = 1\nkeys[1].a = 2\n"
	const vals = idx + "local vals = ffi.new('" + pair + " [2]')\nvals[1].a = 5\nvals[1].b = 6\n"
	runBuilds(t, opts, setup, frameTCP4, []retCase{
		{name: "string compare", body: strs + "if a[i] == 'abc' then return 1 end return 2", want: 1},
		{name: "string compare other element", body: strs + "if a[i - 1] == 'abc' then return 1 end return 2", want: 2},
		{name: "string compare not equal", body: strs + "return a[i] ~= 'abc'", want: 0},
		{name: "string compare out of range", body: strs + "if a[far] == 'abc' then return 1 end return 2", want: 2},
		{name: "string compare out of range is empty", body: strs + "if a[far] == '' then return 1 end return 2", want: 1},
		{name: "map value string compare", body: idx + "local v = mc[0]\nif v.s[i] == 'ab' then return 1 end\nffi.copy(v.s[1], 'ab')\nif v.s[i] == 'ab' then return 2 end return 3", want: 2},
		{name: "copy packet into element", body: bufs + "ffi.copy(b[i], pkt.ip.tcp.data, 4)\nif b[1] == 'GET ' and b[0][0] == 0 then return 1 end return 2", want: 1},
		{name: "copy packet out of range", body: bufs + "ffi.copy(b[far], pkt.ip.tcp.data, 4)\nreturn b[0][0] + b[1][0]", want: 0},
		{name: "load_bytes into element", body: bufs + "local r = load_bytes(58, b[i])\nreturn r * 1000 + b[1][1] + b[0][1]", want: 'E'},
		{name: "load_bytes out of range", body: bufs + "local r = load_bytes(58, b[far])\nreturn r + b[0][1] + b[1][1]", want: neg(14)},
		{name: "copy string into element", body: bufs + "ffi.copy(b[i], 'xy')\nreturn b[1][0] * 256 + b[1][1] + b[0][0]", want: 'x'*256 + 'y'},
		{name: "copy element", body: strs + "local c = ffi.new('char [4]')\nffi.copy(c, a[i])\nreturn c == 'abc'", want: 1},
		{name: "copy element out of range", body: strs + "local c = ffi.new('char [4]', 'zz')\nffi.copy(c, a[far])\nreturn c == ''", want: 1},
		{name: "fill element", body: bufs + "ffi.fill(b[i], 4, 0x41)\nreturn b[1] == 'AAAA' and b[0][0] == 0", want: 1},
		{name: "struct key update", body: keys + "m[keys[i]] = 7\nif m[keys[0]] then return 100 end\nreturn m[keys[1]]", want: 7},
		{name: "struct key lookup", body: keys + "local v = m[keys[i]]\nif v then return v end return 3", want: 9},
		{name: "struct key delete", body: keys + "m[keys[i]] = nil\nif m[keys[1]] then return 1 end return 2", want: 2},
		{name: "struct key out of range", body: keys + "m[keys[far]] = 5\nif m[keys[far]] then return 1 end\nlocal zero = ffi.new('" + pair + "')\nif m[zero] then return 2 end return 3", want: 3},
		{name: "struct value", body: vals + "mv[1] = vals[i]\nlocal v = mv[1]\nreturn v.a * 10 + v.b", want: 56},
		{name: "struct value out of range", body: vals + "mv[1] = vals[far]\nif mv[1] then return 1 end return 2", want: 2},
		{name: "xadd element", body: idx + "xadd(ma[0].n[i], 3)\nxadd(ma[0].n[i], 4)\nxadd(ma[0].n[far], 5)\nreturn ma[0].n[1] * 10 + ma[0].n[0]", want: 70},
		{name: "element of element", body: idx + "local a = ffi.new('uint16_t [3][2]')\na[i][1] = 9\nreturn a[1][1] + a[0][1]", want: 9},
	})
}

// packedBytes lays out a packed record's fields, each a value at a bit
// offset, little-endian, the way ctype does on x86-64 and arm64.
func packedBytes(size int, fields ...[2]uint64) []byte {
	acc := new(big.Int)
	for _, f := range fields {
		v := new(big.Int).SetUint64(f[1])
		acc.Or(acc, v.Lsh(v, uint(f[0])))
	}
	out := make([]byte, size)
	for i := range out {
		out[i] = byte(new(big.Int).Rsh(acc, uint(8*i)).Uint64())
	}
	return out
}

// bytesAre is Lua that returns the number (1-based) of the first byte of
// the uint8_t array r that differs from want, falling through when none
// does.
func bytesAre(r string, want []byte) string {
	var b strings.Builder
	for i, c := range want {
		fmt.Fprintf(&b, "if %s[%d] ~= %d then return %d end\n", r, i, c, 1000+i)
	}
	return b.String()
}

// Members of __attribute__((packed)) structs are misaligned, which the
// verifier refuses on the stack: they were accessed as if aligned. Such
// accesses are split into aligned pieces now, and a 64-bit bitfield that
// starts mid-byte (nine bytes) reads and writes all of them.
func TestIrgenPackedMembers(t *testing.T) {
	const st = "struct { uint8_t a; uint32_t b; uint16_t c; uint64_t d; int32_t e; } __attribute__((packed))"
	layout := packedBytes(19, [2]uint64{0, 1}, [2]uint64{8, 0x11223344}, [2]uint64{40, 0x5566},
		[2]uint64{56, 0x778899aabbccddee}, [2]uint64{120, 0xfffffffb})
	set := "s.d = 0x778899aabbccddee + z\ns.a = 1\ns.b = 0x11223344 + z\ns.c = 0x5566 + z\ns.e = z - 5\n"
	get := "if s.a ~= 1 or s.b ~= 0x11223344 or s.c ~= 0x5566 or s.d ~= 0x778899aabbccddee or s.e ~= -5 then return 2 end\n"
	const nine = "struct { uint8_t a:5; uint64_t b:62; uint8_t c:1; } __attribute__((packed))"
	const b62 = 0x2aaaaaaaaaaaaaab
	nineLayout := packedBytes(9, [2]uint64{0, 0x15}, [2]uint64{5, b62}, [2]uint64{67, 1})
	nineSet := "n.c = 1\nn.b = 0x2aaaaaaaaaaaaaab + z\nn.a = 0x15 + z\n"
	nineGet := "if n.a ~= 0x15 or n.b ~= 0x2aaaaaaaaaaaaaab or n.c ~= 1 then return 2 end\n"

	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"mp": {Type: "hash", ValueType: st, MaxEntries: 2},
		"mn": {Type: "array", ValueType: nine, MaxEntries: 1},
	}}
	runBuilds(t, opts, nil, frameTCP4, []retCase{
		{name: "stack", body: zeroLocal + "local s = ffi.new('" + st + "')\n" + set + get +
			"local r = ffi.new('uint8_t [19]')\nffi.copy(r, s)\n" + bytesAre("r", layout) + "return 1", want: 1},
		{name: "stack constants", body: "local s = ffi.new('" + st + "')\ns.b = 0x11223344\ns.d = 7\nreturn s.b + s.d + s.a", want: 0x1122334b},
		{name: "stack initial values", body: "local s = ffi.new('" + st + "', 1, 0x11223344, 0x5566, 0x778899aabbccddee, -5)\n" + get + "return 1", want: 1},
		{name: "map value", body: zeroLocal + "mp[1] = ffi.new('" + st + "')\nlocal s = mp[1]\n" + set + get + "return 1", want: 1},
		{name: "map value that may be missing", body: zeroLocal + "local s = mp[2]\n" + set + "if s.b == 0 and s.d == 0 then return 1 end return 2", want: 1},
		{name: "run-time index", body: idx + "local a = ffi.new('struct { uint8_t x; uint32_t y; } __attribute__((packed)) [3]')\na[i].y = 0xdeadbeef\na[i].x = 7\nreturn a[1].y + a[0].y + a[2].y + a[1].x", want: 0xdeadbeef + 7},
		{name: "nine-byte bitfield", body: zeroLocal + "local n = ffi.new('" + nine + "')\n" + nineSet + nineGet +
			"local r = ffi.new('uint8_t [9]')\nffi.copy(r, n)\n" + bytesAre("r", nineLayout) + "return 1", want: 1},
		{name: "nine-byte bitfield in a map value", body: zeroLocal + "local n = mn[0]\n" + nineSet + nineGet + "n.b = 0\nif n.a ~= 0x15 or n.c ~= 1 then return 3 end return 1", want: 1},
		{name: "nine-byte bitfield keeps neighbours", body: "local n = ffi.new('" + nine + "')\nn.a = 0x1f\nn.c = 1\nn.b = -1\nn.b = 0\nreturn n.a + n.c * 100", want: 0x1f + 100},
	})
	// What the kernel wrote is what userspace reads with the same layout.
	t.Run("map value layout", func(t *testing.T) {
		for name, prog := range loadBuilds(t, zeroLocal+"mp[1] = ffi.new('"+st+"')\nlocal s = mp[1]\n"+set+"return 1", compile.Options{Maps: opts.Maps}, func(t *testing.T, c *ebpf.Collection) {
			t.Cleanup(func() {
				var got []byte
				if err := c.Maps["mp"].Lookup(uint32(1), &got); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, layout) {
					t.Errorf("map value bytes % x, want % x", got, layout)
				}
			})
		}) {
			if got := run(t, prog, frameTCP4, nil); got != 1 {
				t.Errorf("%s build returned %d", name, got)
			}
		}
	})
}
