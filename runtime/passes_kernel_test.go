package runtime

import (
	"fmt"
	"strings"
	"testing"
)

// Programs that stress register allocation and the optimisation passes:
// many live values, values live across helper calls and packet loads
// (which clobber R0-R5), map lookups around updates and deletes, and
// stack stores that helpers read.

func TestRegisterPressure(t *testing.T) {
	// Twelve bytes of the frame live at once, then combined.
	var loads, sum strings.Builder
	want := uint32(0)
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&loads, "local b%d = skb.data[%d]\n", i, 14+i)
		if i > 0 {
			sum.WriteString(" + ")
		}
		fmt.Fprintf(&sum, "b%d * %d", i, i+1)
		want += uint32(frameUDP4[14+i]) * uint32(i+1)
	}
	// The same across map lookups and updates.
	var mixed strings.Builder
	mixed.WriteString(loads.String())
	mixed.WriteString("m[1] = b0 + b1\nlocal v = m[1]\nxadd(m[2], b3)\nm[3] = nil\n")
	runRetCases(t, "m = bpf.map('hash', 8)\nm[2] = 100", frameUDP4, []retCase{
		{name: "many live loads", body: loads.String() + "return " + sum.String(), want: want},
		{name: "live across helper calls", body: mixed.String() + "return " + sum.String() + " + v", want: want + uint32(frameUDP4[14]) + uint32(frameUDP4[15])},
		{name: "live across packet loads", body: "local a = pkt.ip.ttl * 3\nlocal b = skb.len\nlocal c = pkt.ip.udp.data[12]\nlocal d = ntoh(pkt.ip.udp.dst_port)\nlocal e = pkt.ip.udp.data(0, 2)\nreturn a + b + c + d + e", want: 51 + 71 + 7 + 53 + 0x1234},
		{name: "map value pointer across update", body: "m[1] = 5\nlocal v = m[1]\nm[4] = 6\nm[5] = 7\nif v then return v + m[4] + m[5] end return 0", want: 18},
		{name: "packet position across helper", body: "local d = pkt.ip.udp.data + pkt.ip.udp.data[12]\nm[1] = 1\nm[6] = 2\nreturn d[13]", want: 3},
		{name: "context pointer after helper", body: "m[1] = 1\nlocal a = skb.len\nm[6] = a\nreturn skb.len + m[6] + pkt.ip.ttl", want: 71 + 71 + 17},
		{name: "cb across helper", body: "skb.cb[0] = pkt.ip.ttl\nm[1] = 3\nreturn skb.cb[0] + m[1]", want: 20},
	})
}

func TestLookupsAroundUpdates(t *testing.T) {
	prelude := "m = bpf.map('hash', 8)\nm[1] = 41\nw = bpf.map('array', 4, nil, ffi.typeof('uint64_t'))"
	runRetCases(t, prelude, frameUDP4, []retCase{
		{name: "read update read", body: "local a = m[1]\nm[1] = a + 5\nreturn m[1]", want: 46},
		{name: "read after xadd", body: "xadd(m[1], 1)\nreturn m[1]", want: 42},
		{name: "read before and after xadd", body: "local a = m[1] + 0\nxadd(m[1], pkt.ip.ttl)\nreturn m[1] - a", want: 17},
		{name: "delete then lookup", body: "local a = m[1]\nm[1] = nil\nif m[1] then return 1 end return 2", want: 2},
		{name: "null check then delete", body: "if m[1] then m[1] = nil; if m[1] then return 1 end return 3 end return 2", want: 3},
		{name: "insert then lookup", body: "if m[2] then return 1 end\nm[2] = 9\nif m[2] then return m[2] end return 2", want: 9},
		{name: "same key twice", body: "local a = m[1]\nlocal b = m[1]\nif a and b then return a + b end return 0", want: 82},
		{name: "lookups in a loop", body: "local s = 0\nfor i = 0, 3 do m[i] = i * 10 end\nfor i = 0, 3 do s = s + m[i] end\nreturn s", want: 60},
		{name: "64-bit value truncated on return", body: "w[1] = 0x123456789\nreturn w[1]", want: 0x23456789},
		{name: "64-bit value compare", body: "w[1] = 0x123456789\nif w[1] == 0x123456789 then return 1 end return 2", want: 1},
		{name: "64-bit value shifted", body: "w[2] = pkt.ip.ttl * 0x100000000\nreturn bit.rshift(w[2], 32)", want: 17},
		{name: "and with null value", body: "local v = m[3]\nif v and v > 5 then return 1 end return 2", want: 2},
		{name: "and with value", body: "local v = m[1]\nif v and v > 5 then return 1 end return 2", want: 1},
		{name: "value or default", body: "local v = m[3] or 77\nreturn v", want: 77},
		{name: "present value or default", body: "local v = m[1] or 77\nreturn v", want: 41},
	})
}

// Stack keys are modified and reused: every store a helper reads stays.
func TestStackKeysReused(t *testing.T) {
	script := filterScript(`
kt = ffi.typeof('struct { uint32_t a; uint32_t b; }')
m = bpf.map('hash', 8, kt)`, `
	local k = ffi.new(kt)
	k.a = 1
	k.b = 2
	m[k] = 12
	k.b = 3
	m[k] = 13
	k.a = pkt.ip.ttl
	m[k] = 14
	k.a = 1
	k.b = 2
	return m[k]`)
	rt, prog := loadFilter(t, script)
	if got := run(t, prog, frameUDP4, nil); got != 12 {
		t.Errorf("returned %d, want 12", got)
	}
	got := eval(t, rt, `local ffi = require('ffi')
local out = {}
for _, ab in ipairs({{1, 2}, {1, 3}, {17, 3}, {17, 2}}) do
	local k = ffi.new(kt); k.a = ab[1]; k.b = ab[2]
	local v = m[k]
	out[#out + 1] = v and tostring(tonumber(v)) or 'nil'
end
return table.concat(out, ',')`)
	if got != "12,13,14,nil" {
		t.Errorf("m[{1,2}], m[{1,3}], m[{17,3}], m[{17,2}] = %s, want 12,13,14,nil", got)
	}
}

// Long programs: many branches and unrolled iterations.
func TestLongPrograms(t *testing.T) {
	var chain strings.Builder
	chain.WriteString("local x = pkt.ip.ttl\n")
	for i := 0; i < 80; i++ {
		if i == 0 {
			fmt.Fprintf(&chain, "if x == %d then return %d\n", i, i*3)
		} else {
			fmt.Fprintf(&chain, "elseif x == %d then return %d\n", i, i*3)
		}
	}
	chain.WriteString("end\nreturn 999")
	runRetCases(t, "m = bpf.map('array', 256)", frameTCP4, []retCase{
		{name: "elseif chain", body: chain.String(), want: 64 * 3 % 1000},
		{name: "unrolled 16", body: "local s = 0\nfor i = 1, 16 do s = s + bit.band(i, pkt.ip.hlen) end\nreturn s", want: sumBand(16, 5)},
		// band(i, hlen) repeats every 16 iterations (hlen has 4 bits):
		// CSE leaves 15 values live to the end.
		{name: "unrolled 32", body: "local s = 0\nfor i = 1, 32 do s = s + bit.band(i, pkt.ip.hlen) end\nreturn s", want: sumBand(32, 5)},
		{name: "unrolled 200", body: "local s = 0\nfor i = 1, 200 do s = s + bit.band(i, pkt.ip.hlen) end\nreturn s", want: sumBand(200, 5)},
		{name: "unrolled map updates", body: "for i = 0, 63 do xadd(m[i], i) end\nreturn m[63] + m[1]", want: 64},
		{name: "scan payload", body: "local n = 0\nfor i = 0, 40 do if pkt.ip.tcp.data[i] == 0x20 then n = n + 1 end end\nreturn n", want: 3},
	})
}

// sumBand is the sum of i & mask for i = 1..n.
func sumBand(n, mask int) uint32 {
	s := 0
	for i := 1; i <= n; i++ {
		s += i & mask
	}
	return uint32(s)
}

// Signedness: numbers are signed 64-bit integers, even when they come
// from unsigned fields.
func TestSignedness(t *testing.T) {
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "len minus more is negative", body: "if skb.len - 100 < 0 then return 1 end return 2", want: 1},
		{name: "negative local", body: "local d = pkt.ip.ttl - pkt.ip.proto - 1\nif d < 0 then return 1 end return 2", want: 1},
		{name: "negative is not greater", body: "local d = skb.len - 100\nif d > 5 then return 1 end return 2", want: 2},
		{name: "negative equality", body: "local d = skb.len - 72\nif d == -1 then return 1 end return 2", want: 1},
		{name: "field compares unsigned", body: "if pkt.ip.dst > 0x7fffffff then return 1 end return 2", want: 2}, // 0x1401a8c0
		{name: "large field", body: "if ntoh(pkt.ip.dst) > 0x7fffffff then return 1 end return 2", want: 1},
		{name: "negative times negative", body: "local d = pkt.ip.ttl - 20\nreturn d * d", want: 9},
		// C's remainder takes the dividend's sign (README).
		{name: "mod of negative by power of two", body: "local d = pkt.ip.ttl - 20\nreturn d % 4", want: neg(3)},
	})
}

// Values and memory changed on one path and used after the paths join.
func TestMemoryAcrossBranches(t *testing.T) {
	prelude := `m = bpf.map('hash', 8)
m[1] = 10
m[2] = 20
sv = bpf.map('hash', 4, nil, ffi.typeof('struct { uint32_t a; uint32_t b; }'))
sv[1] = {a = 1, b = 2}`
	runRetCases(t, prelude, frameTCP4, []retCase{
		{name: "map value phi", body: "local v = m[1]\nif pkt.ip.ver == 4 then v = m[2] end\nreturn v", want: 20},
		{name: "map value phi other", body: "local v = m[1]\nif pkt.ip.ver == 6 then v = m[2] end\nreturn v", want: 10},
		{name: "map value phi null", body: "local v = m[1]\nif pkt.ip.ver == 4 then v = m[3] end\nif v then return 1 end return 2", want: 2},
		{name: "stack store in branch", body: "local b = ffi.new('uint32_t [2]')\nif pkt.ip.ver == 4 then b[0] = 5 else b[1] = 6 end\nreturn b[0] * 10 + b[1]", want: 50},
		{name: "stack store in branch key", body: "local k = ffi.new('uint32_t [1]')\nk[0] = 1\nif pkt.ip.ver == 4 then k[0] = 2 end\nreturn m[k]", want: 20},
		{name: "stack store in loop break", body: "local b = ffi.new('uint32_t [1]')\nfor i = 1, 10 do if i == pkt.ip.hlen then break end b[0] = i end\nreturn b[0]", want: 4},
		{name: "cb store in branch", body: "skb.cb[1] = 1\nif pkt.ip.ver == 4 then skb.cb[1] = 9 end\nreturn skb.cb[1]", want: 9},
		{name: "map value struct store in branch", body: "local v = sv[1]\nif v then if pkt.ip.ver == 4 then v.b = 7 end return v.a + v.b end return 0", want: 8},
		{name: "boolean local", body: "local c = pkt.ip.ttl > 5\nif c then return 3 end return 4", want: 3},
		{name: "boolean local returned", body: "local c = pkt.ip.ttl > 5\nreturn c", want: 1},
		{name: "not map value local", body: "local absent = not m[3]\nreturn absent", want: 1},
		{name: "boolean phi", body: "local c = false\nif pkt.ip.ver == 4 then c = true end\nif c then return 1 end return 2", want: 1},
		{name: "nil local is false", body: "local v\nif pkt.ip.ver == 6 then v = 1 end\nif v then return 1 end return 2", want: 2},
		{name: "store after lookup same key", body: "local v = m[1]\nm[1] = v * 3\nlocal w = m[1]\nreturn w", want: 30},
		{name: "xadd in branch then read", body: "if pkt.ip.ver == 4 then xadd(m[1], 5) end\nreturn m[1]", want: 15},
		{name: "delete in branch then read", body: "if pkt.ip.ver == 4 then m[1] = nil end\nif m[1] then return 1 end return 2", want: 2},
		{name: "lookup in both branches", body: "local r\nif pkt.ip.ver == 4 then r = m[1] + 1 else r = m[1] + 2 end\nreturn r + m[1]", want: 21},
	})
}
