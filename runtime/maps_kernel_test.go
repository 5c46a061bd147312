package runtime

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/cilium/ebpf"
)

// sumValue reads m[key] from userspace and returns it as a number; for
// per-CPU maps (whose values come back as a table with one value per CPU)
// it returns the sum over all CPUs.
func sumValue(t *testing.T, rt *Runtime, m string, key any) string {
	t.Helper()
	return eval(t, rt, fmt.Sprintf(`local v = %s[%v]
if v == nil then return nil end
if type(v) ~= 'table' then return tonumber(v) end
local s = 0
for i = 1, #v do s = s + tonumber(v[i]) end
return s`, m, key))
}

func possibleCPUs(t *testing.T) int {
	t.Helper()
	n, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every map type: a value written from userspace is read by kernel code,
// kernel code stores, adds atomically and (for hash types) deletes, and
// userspace sees the result.
func TestMapTypesKernelOps(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		percpu bool
		hash   bool
	}{
		{"hash", false, true},
		{"array", false, false},
		{"percpu_hash", true, true},
		{"percpu_array", true, false},
		{"lru_hash", false, true},
		{"lru_percpu_hash", true, true},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			del := ""
			if tc.hash {
				del = "m[5] = 7\n\tm[5] = nil\n\tm[8] = 1\n\tm[8] = nil"
			}
			script := filterScript(fmt.Sprintf("m = bpf.map('%s', 16)\nm[3] = 30\nm[8] = 80", tc.typ), `
	local a = m[3]
	m[4] = a + 1
	xadd(m[3], 5)
	xadd(m[3], pkt.ip.ttl)
	`+del+`
	if not m[100] then m[6] = 66 end
	if m[101] then m[7] = 77 end
	m[9] = skb.len
	return m[3]`)
			rt, prog := loadFilter(t, script)
			if got := run(t, prog, frameUDP4, nil); got != 30+5+17 {
				t.Errorf("returned %d, want %d", got, 30+5+17)
			}
			n := 1
			if tc.percpu {
				n = possibleCPUs(t)
			}
			// Kernel code ran on one CPU: per-CPU sums count the
			// userspace value once per CPU and kernel changes once.
			want := map[any]string{
				3: strconv.Itoa(30*n + 22),
				4: "31",
				6: "66",
				9: strconv.Itoa(len(frameUDP4)),
			}
			if tc.hash {
				want[5], want[7], want[8] = "nil", "nil", "nil"
			} else {
				want[5], want[7], want[8] = "0", "0", strconv.Itoa(80*n)
			}
			for k, w := range want {
				if got := sumValue(t, rt, "m", k); got != w {
					t.Errorf("m[%v] = %s, want %s", k, got, w)
				}
			}
			if tc.percpu {
				if got := eval(t, rt, "return #m[3]"); got != strconv.Itoa(n) {
					t.Errorf("#m[3] = %s, want one value per CPU (%d)", got, n)
				}
			}
		})
	}
}

func TestMapReturnValue(t *testing.T) {
	prelude := "m = bpf.map('hash', 8)\nm[1] = 41"
	runRetCases(t, prelude, frameUDP4, []retCase{
		{name: "present", body: "return m[1]", want: 41},
		{name: "missing", body: "return m[2]", want: 0},
		{name: "arithmetic", body: "return m[1] + 1", want: 42},
		{name: "local then arithmetic", body: "local v = m[1]; if v then return v * 2 end return 99", want: 82},
		{name: "missing local", body: "local v = m[2]; if v then return 1 end return 99", want: 99},
		{name: "compare", body: "if m[1] == 41 then return 1 end return 2", want: 1},
		{name: "not present", body: "if not m[1] then return 1 end return 2", want: 2},
		{name: "not missing", body: "if not m[2] then return 1 end return 2", want: 1},
		{name: "and", body: "return m[1] and 5 or 6", want: 5},
		{name: "or missing", body: "if m[2] or m[3] then return 5 end return 6", want: 6},
		{name: "run-time key", body: "return m[pkt.ip.ver - 3]", want: 41},
		{name: "after store", body: "m[2] = 9; return m[2]", want: 9},
		{name: "after delete", body: "m[1] = nil; return m[1]", want: 0},
	})
}

// xadd works on 4- and 8-byte values and does nothing for a missing key.
func TestMapXadd(t *testing.T) {
	script := filterScript(`
m32 = bpf.map('hash', 8)
m64 = bpf.map('array', 8, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
m32[1] = 0xfffffffe
m64[1] = 0xffffffff
m64[2] = 0x100000000`, `
	xadd(m32[1], 1)
	xadd(m32[2], 1)
	xadd(m64[1], 1)
	xadd(m64[2], skb.len)
	xadd(m64[3], 0x7fffffff)
	xadd(m64[3], 0x7fffffff)
	xadd(m64[9], 1)`)
	rt, prog := loadFilter(t, script)
	run(t, prog, frameUDP4, nil)
	wantMap(t, rt, "m32", map[any]string{1: "4294967295", 2: "nil"})
	wantMap(t, rt, "m64", map[any]string{
		1: "4294967296",
		2: strconv.Itoa(0x100000000 + len(frameUDP4)),
		3: strconv.Itoa(2 * 0x7fffffff),
	})
	// 32-bit values wrap.
	run(t, prog, frameUDP4, nil)
	wantMap(t, rt, "m32", map[any]string{1: "0"})
}

// The kernel reads values stored from userspace with 64-bit keys and
// values.
func TestMap64BitKeys(t *testing.T) {
	script := filterScript(`
u64 = ffi.typeof('uint64_t')
m = bpf.map('hash', 8, u64, u64)
m[0x20010db800000000] = 0x123456789`, `
	local k = ntoh(pkt.ip6.src_hi)
	local v = m[k]
	if not v then return 1 end
	m[k] = v + 1
	m[k + 1] = 3
	if v == 0x123456789 then return 2 end
	return 3`)
	rt, prog := loadFilter(t, script)
	if got := run(t, prog, frameUDP6, nil); got != 2 {
		t.Errorf("returned %d, want 2", got)
	}
	wantMap(t, rt, "m", map[any]string{"0x20010db800000000": strconv.Itoa(0x12345678a)})
	if got := eval(t, rt, "local n = 0; for k, v in m.pairs, m, nil do n = n + tonumber(v) end; return n"); got != strconv.Itoa(0x12345678a+3) {
		t.Errorf("sum of values = %s, want %d", got, 0x12345678a+3)
	}
}

// Struct keys and values: built on the stack with ffi.new, fields set one
// by one, struct value fields read and written through a lookup.
func TestMapStructKeysAndValues(t *testing.T) {
	script := filterScript(`
key_t = ffi.typeof('struct { uint32_t proto; uint16_t port; uint8_t ver; uint8_t pad; }')
val_t = ffi.typeof('struct { uint64_t count; uint32_t bytes; uint32_t last_ttl; }')
flows = bpf.map('hash', 64, key_t, val_t)`, `
	local ip = pkt.ip
	local key = ffi.new(key_t)
	key.proto = ip.proto
	key.port = ntoh(ip.udp.dst_port)
	key.ver = ip.ver
	local v = flows[key]
	if v then
		v.count = v.count + 1
		xadd(v.bytes, skb.len)
		v.last_ttl = ip.ttl
		return v.count
	end
	local nv = ffi.new(val_t)
	nv.count = 1
	nv.bytes = skb.len
	nv.last_ttl = ip.ttl
	flows[key] = nv
	return 100`)
	rt, prog := loadFilter(t, script)
	for i, want := range []uint32{100, 2, 3} {
		if got := run(t, prog, frameUDP4, nil); got != want {
			t.Errorf("run %d returned %d, want %d", i, got, want)
		}
	}
	get := func(field string) string {
		return eval(t, rt, `local ffi = require('ffi'); local k = ffi.new(key_t); k.proto = 17; k.port = 53; k.ver = 4
local v = flows[k]; if v == nil then return 'missing' end
return tonumber(v.`+field+`)`)
	}
	for field, want := range map[string]string{"count": "3", "bytes": strconv.Itoa(3 * len(frameUDP4)), "last_ttl": "17"} {
		if got := get(field); got != want {
			t.Errorf("flows[{17, 53, 4}].%s = %s, want %s", field, got, want)
		}
	}
	// The other key is absent: the key's every byte counts.
	if got := eval(t, rt, `local ffi = require('ffi'); local k = ffi.new(key_t); k.proto = 17; k.port = 53; k.ver = 6
return tostring(flows[k])`); got != "nil" {
		t.Errorf("flows[{17, 53, 6}] = %s, want nil", got)
	}
}

// Keys built from anonymous struct declarations in kernel code, and
// struct values initialised with ffi.new's initial values.
func TestMapStructLiteralTypes(t *testing.T) {
	script := filterScript(`
kt = ffi.typeof('struct { uint32_t a; uint32_t b; }')
m = bpf.map('hash', 8, kt, ffi.typeof('struct { uint32_t x; uint32_t y; }'))`, `
	local k = ffi.new('struct { uint32_t a; uint32_t b; }')
	k.a = 1
	k.b = pkt.ip.proto
	m[k] = ffi.new('struct { uint32_t x; uint32_t y; }', 5, skb.len)
	xadd(m[k].y, 1)
	local v = m[k]
	return v.x * 1000 + v.y`)
	rt, prog := loadFilter(t, script)
	if got, want := run(t, prog, frameUDP4, nil), uint32(5*1000+len(frameUDP4)+1); got != want {
		t.Errorf("returned %d, want %d", got, want)
	}
	got := eval(t, rt, `local ffi = require('ffi'); local k = ffi.new(kt); k.a = 1; k.b = 17
local v = m[k]; return tonumber(v.x) .. ',' .. tonumber(v.y)`)
	if want := fmt.Sprintf("5,%d", len(frameUDP4)+1); got != want {
		t.Errorf("m[{1, 17}] = %s, want %s", got, want)
	}
}

// Array values: elements read and written through a lookup.
func TestMapArrayValues(t *testing.T) {
	script := filterScript(`
m = bpf.map('array', 4, ffi.typeof('uint32_t'), ffi.typeof('uint32_t [4]'))`, `
	local v = m[1]
	if not v then return 1 end
	v[0] = 10
	v[3] = pkt.ip.ttl
	xadd(m[1][1], 7)
	local i = pkt.ip.ver - 2
	v[i] = 12
	return v[0] + v[1] + v[2] + v[3]`)
	rt, prog := loadFilter(t, script)
	if got := run(t, prog, frameUDP4, nil); got != 10+7+12+17 {
		t.Errorf("returned %d, want %d", got, 10+7+12+17)
	}
	got := eval(t, rt, `local v = m[1]; return tonumber(v[0]) .. ',' .. tonumber(v[1]) .. ',' .. tonumber(v[2]) .. ',' .. tonumber(v[3])`)
	if got != "10,7,12,17" {
		t.Errorf("m[1] = {%s}, want {10,7,12,17}", got)
	}
}

// Char-array keys take string literals in kernel code and in userspace.
func TestMapStringKeys(t *testing.T) {
	script := filterScript(`
m = bpf.map('hash', 8, ffi.typeof('char [8]'))
m['seed'] = 40`, `
	m['abc'] = 5
	xadd(m['abc'], 2)
	xadd(m['seed'], 2)
	local k = ffi.new('char [8]')
	ffi.copy(k, 'fromstk')
	m[k] = 9
	m['gone'] = 1
	m['gone'] = nil
	return m['seed']`)
	rt, prog := loadFilter(t, script)
	if got := run(t, prog, frameUDP4, nil); got != 42 {
		t.Errorf("returned %d, want 42", got)
	}
	wantMap(t, rt, "m", map[any]string{"'abc'": "7", "'seed'": "42", "'fromstk'": "9", "'gone'": "nil", "'ab'": "nil"})
}

// Userspace side: delete, iteration from nil and from 0 (which skips key 0
// of an array), #map.
func TestMapUserspace(t *testing.T) {
	script := filterScript(`
h = bpf.map('hash', 32)
a = bpf.map('array', 4)
function dump(m, start)
	local out = {}
	for k, v in m.pairs, m, start do out[#out + 1] = string.format('%d=%d', k, tonumber(v)) end
	table.sort(out)
	return table.concat(out, ' ')
end`, `
	h[pkt.ip.proto] = 1
	h[skb.len] = 2
	a[0] = 100
	a[2] = pkt.ip.ttl
	return 0`)
	rt, prog := loadFilter(t, script)
	eval(t, rt, "h[5] = 50; h[6] = 60; h[6] = nil; return 0")
	run(t, prog, frameUDP4, nil)
	if got, want := eval(t, rt, "return dump(h, nil)"), fmt.Sprintf("17=1 5=50 %d=2", len(frameUDP4)); got != want {
		t.Errorf("hash pairs: %s, want %s", got, want)
	}
	if got, want := eval(t, rt, "return dump(a, nil)"), "0=100 1=0 2=17 3=0"; got != want {
		t.Errorf("array pairs from nil: %s, want %s", got, want)
	}
	if got, want := eval(t, rt, "return dump(a, 0)"), "1=0 2=17 3=0"; got != want {
		t.Errorf("array pairs from 0: %s, want %s", got, want)
	}
	if got := eval(t, rt, "return #h .. ',' .. #a"); got != "32,4" {
		t.Errorf("#h, #a = %s, want 32,4", got)
	}
	eval(t, rt, "h[17] = nil; return 0")
	wantMap(t, rt, "h", map[any]string{17: "nil", 5: "50", 6: "nil"})
	// Deleting a missing key is no error.
	eval(t, rt, "h[12345] = nil; return 0")
	// The kernel map agrees.
	var v uint32
	m, err := rt.Map("a")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.EBPF().Lookup(uint32(2), &v); err != nil || v != 17 {
		t.Errorf("a[2] through cilium/ebpf = %d (%v), want 17", v, err)
	}
}

// Per-CPU maps take one value for all CPUs or a table with one per CPU.
func TestMapPerCPUUserspace(t *testing.T) {
	script := filterScript(`
p = bpf.map('percpu_array', 4)`, `
	return p[1]`)
	rt, prog := loadFilter(t, script)
	n := possibleCPUs(t)
	eval(t, rt, "p[1] = 7; return 0")
	if got := run(t, prog, frameUDP4, nil); got != 7 {
		t.Errorf("kernel read %d, want 7", got)
	}
	if got := sumValue(t, rt, "p", 1); got != strconv.Itoa(7*n) {
		t.Errorf("sum of p[1] = %s, want %d", got, 7*n)
	}
	eval(t, rt, "local t = {}; for i = 1, "+strconv.Itoa(n)+" do t[i] = i end; p[2] = t; return 0")
	if got := sumValue(t, rt, "p", 2); got != strconv.Itoa(n*(n+1)/2) {
		t.Errorf("sum of p[2] = %s, want %d", got, n*(n+1)/2)
	}
}

// perf_event_array and stack_trace maps can be created.
func TestMapOtherTypesCreatable(t *testing.T) {
	script := filterScript(`
events = bpf.map('perf_event_array', 4)
stacks = bpf.map('stack_trace', 16)`, `return 1`)
	rt, prog := loadFilter(t, script)
	if got := run(t, prog, frameUDP4, nil); got != 1 {
		t.Errorf("returned %d, want 1", got)
	}
	for _, name := range []string{"events", "stacks"} {
		m, err := rt.Map(name)
		if err != nil {
			t.Fatal(err)
		}
		if m.EBPF() == nil {
			t.Errorf("%s has no kernel map", name)
		}
	}
	// A perf event array has at most one entry per CPU.
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d,16", min(4, ncpu))
	if got := eval(t, rt, "return #events .. ',' .. #stacks"); got != want {
		t.Errorf("#events, #stacks = %s, want %s", got, want)
	}
}

// Map values with char arrays: compared with strings, copied into, and
// copied to the stack.
func TestMapValueMemory(t *testing.T) {
	prelude := `sv = bpf.map('hash', 4, nil, ffi.typeof('struct { char name[8]; uint32_t n; }'))
sv[1] = {name = 'abc', n = 4}
m = bpf.map('hash', 8)
a = bpf.map('array', 4)`
	runRetCases(t, prelude, frameTCP4, []retCase{
		{name: "char array compare", body: "local v = sv[1]\nif v and v.name == 'abc' then return v.n end return 0", want: 4},
		{name: "char array mismatch", body: "local v = sv[1]\nif v and v.name == 'ab' then return v.n end return 0", want: 0},
		{name: "copy into char array", body: "local v = sv[1]\nif v then ffi.copy(v.name, 'xyz'); if v.name == 'xyz' then return 1 end end return 0", want: 1},
		{name: "copy to stack", body: "local v = sv[1]\nlocal s = ffi.new('struct { char name[8]; uint32_t n; }')\nif v then ffi.copy(s, v) end\nif s.name == 'abc' then return s.n end return 0", want: 4},
		{name: "map length", body: "return #m + #a", want: 12},
		{name: "array update out of range", body: "a[300] = 1\nreturn 5", want: 5},
		{name: "key made in a branch", body: "if pkt.ip.ver == 4 then local k = ffi.new('uint32_t [1]'); k[0] = 7; m[k] = 3 end\nreturn m[7]", want: 3},
	})
}

// Keys and values of every scalar size, signed values.
func TestMapScalarSizes(t *testing.T) {
	prelude := `
k8 = bpf.map('hash', 8, ffi.typeof('uint8_t'), ffi.typeof('uint8_t'))
k16 = bpf.map('hash', 8, ffi.typeof('uint16_t'), ffi.typeof('uint16_t'))
k64 = bpf.map('hash', 8, ffi.typeof('uint64_t'), ffi.typeof('int64_t'))
s32 = bpf.map('array', 4, nil, ffi.typeof('int32_t'))
k8[17] = 200
k16[0x4000] = 0xfffe
s32[1] = -5`
	runRetCases(t, prelude, frameUDP4, []retCase{
		{name: "uint8 key and value", body: "return k8[pkt.ip.proto]", want: 200},
		{name: "uint8 value wraps", body: "k8[1] = 0x1ff\nreturn k8[1]", want: 0xff},
		{name: "uint8 key truncates", body: "k8[0x102] = 3\nreturn k8[2]", want: 3},
		{name: "uint16 key and value", body: "return k16[bit.lshift(pkt.ip.ver, 12)]", want: 0xfffe},
		{name: "uint16 value arithmetic", body: "k16[2] = k16[0x4000] + 3\nreturn k16[2]", want: 1},
		{name: "int64 value negative", body: "k64[1] = -7\nif k64[1] < 0 then return -k64[1] end return 0", want: 7},
		{name: "int32 value negative", body: "if s32[1] < 0 then return 1 end return 2", want: 1},
		{name: "int32 value arithmetic", body: "return s32[1] * 3 + 20", want: 5},
		{name: "int32 xadd negative", body: "xadd(s32[1], -2)\nreturn s32[1] + 10", want: 3},
	})
	t.Run("userspace sees the sizes", func(t *testing.T) {
		rt, prog := loadFilter(t, filterScript(prelude, "k8[5] = 0x1ff\nk16[6] = 0x12345\nk64[7] = -9\nxadd(s32[2], -3)\nreturn 0"))
		run(t, prog, frameUDP4, nil)
		wantMap(t, rt, "k8", map[any]string{5: "255", 17: "200"})
		wantMap(t, rt, "k16", map[any]string{6: "9029"}) // 0x2345
		wantMap(t, rt, "k64", map[any]string{7: "-9"})
		wantMap(t, rt, "s32", map[any]string{1: "-5", 2: "-3"})
	})
}
