package runtime

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
)

// Forms the original's own tests and scripts use, which scripts written
// for it expect to work.

// TestMapValueAsPointer reads and writes a map value through the pointer
// a lookup gives: index 0 of it is the value.
func TestMapValueAsPointer(t *testing.T) {
	rt, prog := loadFilter(t, filterScript(`m = bpf.map('hash', 4, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
m[7] = 40`, `local v = m[7]
if v then v[0] = v[0] + 2 end
local w = m[8]
if w then w[0] = 99 end
return m[7]`))
	if got := run(t, prog, frameUDP4, nil); got != 42 {
		t.Errorf("returned %d, want 42", got)
	}
	if got := eval(t, rt, "return tostring(m[7]) .. ' ' .. tostring(m[8])"); got != "42 nil" {
		t.Errorf("m[7], m[8] = %s, want 42 nil", got)
	}
}

// TestOneElementArrayKeysAndValues gives scalars to maps whose keys and
// values are one-element arrays, in kernel code and in userspace.
func TestOneElementArrayKeysAndValues(t *testing.T) {
	rt, prog := loadFilter(t, filterScript(`m = bpf.map('hash', 16, ffi.typeof('uint64_t [1]'), ffi.typeof('uint64_t [1]'))
m[6] = 100`, `local proto = pkt.ip.proto
xadd(m[proto], 1)
xadd(m[6], 1)
m[3] = 5
return m[6][0]`))
	if got := run(t, prog, frameUDP4, nil); got != 101 {
		t.Errorf("returned %d, want 101", got)
	}
	if got := eval(t, rt, "return tostring(m[6][0]) .. ' ' .. tostring(m[3][0]) .. ' ' .. tostring(m[17])"); got != "101ULL 5ULL nil" {
		t.Errorf("m[6], m[3], m[17] = %s, want 101ULL 5ULL nil (uint64_t elements are cdata, as in LuaJIT; 17 was never made)", got)
	}
}

// TestTableStandingForMapLoads: a program compiled against a table
// standing for a map (as the original's tests write them) loads, with
// a kernel map made from the table's description, and runs.
func TestTableStandingForMapLoads(t *testing.T) {
	_, prog := loadFilter(t, filterScript(`local mock = {__map = true, max_entries = 16, key_type = ffi.typeof('uint64_t [1]'), val_type = ffi.typeof('uint64_t [1]'), fd = 1}`,
		`local proto = pkt.ip.proto
mock[proto] = 40
xadd(mock[proto], 2)
return mock[proto][0]`))
	if got := run(t, prog, frameUDP4, nil); got != 42 {
		t.Errorf("returned %d, want 42", got)
	}
}

// TestMapObjectFields: a map in userspace has the fields the original's
// map objects have (key_type, val_type, map_type, fd, max_entries,
// __map), and a refused write says why in the map's terms.
func TestMapObjectFields(t *testing.T) {
	kerneltest.Require(t)
	out, err := runQuiet(t, `local ffi = require('ffi')
local bpf = require('bpf')
local m = bpf.map('hash', 2, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
print(m.key_type, m.val_type, m.map_type, type(m.fd), m.max_entries, m.__map)
local k = ffi.new(m.key_type, 3)
m[k] = ffi.new(m.val_type, 9)
print(m[3])
m[1] = 1
print(pcall(function () m[2] = 2 end))
local a = bpf.map('array', 4)
print(pcall(function () a[4] = 1 end))
print(pcall(function () a[1] = nil end))`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	want := "ctype<uint32_t>\tctype<uint64_t>\t1\tnumber\t2\ttrue\n9\n" +
		"false\ts.lua:9: update map: the map is full (2 entries)\n" +
		"false\ts.lua:11: update map: index beyond the array's 4 entries\n" +
		"false\ts.lua:12: delete from map: array entries cannot be deleted; store 0 instead\n"
	if out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}
