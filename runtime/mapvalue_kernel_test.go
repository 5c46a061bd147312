package runtime

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// Integer values read from a map in userspace behave as numbers, the
// same by index and by iteration: ==, <, arithmetic, %d, print, table
// keys and tonumber work; 64-bit values beyond 2^53 stay exact as cdata;
// struct values stay cdata.
func TestMapValuesAreNumbers(t *testing.T) {
	kerneltest.Require(t)
	var out []byte
	rt := New(&Options{Stdout: writerFunc(func(b []byte) { out = append(out, b...) })})
	defer rt.Close()
	script := `local ffi = require('ffi')
local bpf = require('bpf')
local a = bpf.map('array', 4)
local h = bpf.map('hash', 8, ffi.typeof('uint64_t'), ffi.typeof('uint64_t'))
local s = bpf.map('hash', 8, nil, ffi.typeof('int32_t'))
local st = bpf.map('hash', 4, nil, ffi.typeof('struct { uint32_t n; }'))
local p = bpf.map('percpu_array', 2)
a[1] = 5
h[2] = 7
h[3] = ffi.new('uint64_t', 2^53) + 1
h[ffi.new('uint64_t', 2^60)] = 1
s[4] = -3
st[1] = {n = 9}
p[1] = 6
print(a[0] == 0, a[1] == 5, a[1] > 0, a[0] < a[1], a[1] + 1, a[1] * 2 == 10)
print(string.format('%d %d %d %5d', a[1], h[2], s[4], h[3]))
print(a[1], h[2], s[4], h[3], tonumber(h[3]) == 2^53)
local t = {}
t[a[1]] = 'five'
print(t[5], tonumber(a[1]), tonumber(s[4]), type(a[1]), type(h[3]))
local seen = {}
for k, v in h.pairs, h, nil do
	if k == 2 then seen[1] = 'pairs ' .. tostring(v == 7 and v == h[2]) end
	if k == 3 then seen[2] = 'big ' .. tostring(v) .. ' ' .. tostring(v == h[3]) end
	if type(k) ~= 'number' then seen[3] = 'big key ' .. tostring(k) end
end
print(table.concat(seen, ', '))
print(st[1].n, type(st[1]), p[1][1] == 6)
`
	if err := rt.RunString(t.Context(), "test.lua", script, nil); err != nil {
		t.Fatal(err)
	}
	want := `true	true	true	true	6	true
5 7 -3 9007199254740993
5	7	-3	9007199254740993ULL	true
five	5	-3	number	userdata
pairs true, big 9007199254740993ULL true, big key 1152921504606846976ULL
9	userdata	true
`
	if string(out) != want {
		t.Errorf("script printed\n%s\nwant\n%s", out, want)
	}
}

// writerFunc adapts a function to io.Writer.
type writerFunc func([]byte)

func (f writerFunc) Write(b []byte) (int, error) { f(b); return len(b), nil }

// pairs(m) iterates a map as m.pairs, m, nil does.
func TestPairsOnMap(t *testing.T) {
	kerneltest.Require(t)
	rt := New(nil)
	defer rt.Close()
	script := `local bpf = require('bpf')
m = bpf.map('hash', 8)
m[1], m[2], m[3] = 10, 20, 30
function sum(...)
	local n, s = 0, 0
	for k, v in ... do n, s = n + 1, s + k * v end
	return n .. ' ' .. s
end`
	if err := rt.RunString(t.Context(), "test.lua", script, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := eval(t, rt, "return sum(pairs(m))"), "3 140"; got != want {
		t.Errorf("pairs(m) gave %s (entries, sum of k*v), want %s", got, want)
	}
	if got, want := eval(t, rt, "return sum(m.pairs, m, nil)"), "3 140"; got != want {
		t.Errorf("m.pairs gave %s, want %s", got, want)
	}
}
