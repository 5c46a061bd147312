package runtime

import (
	"fmt"
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

// TestProbeRead: the original's probe_read(dst, src [, type]) copies
// from the address src holds, here a uprobe's string argument.
func TestProbeRead(t *testing.T) {
	u := startUprobeTarget(t)
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
bpf.uprobe('%s:greet', function (ptregs)
	local name = ffi.new('char [16]')
	probe_read(name, ptregs.parm1)
	local two = ffi.new('char [16]')
	probe_read(two, ptregs.parm1, 'char [2]')
	if name == 'luabpf' and two == 'lu' then xadd(counts[0], 1) end
end)
`, u.bin))
	u.step(t)
	if got := eval(t, rt, "return tonumber(counts[0])"); got != "1" {
		t.Errorf("counts[0] = %s, want 1 (both reads matched)", got)
	}
}

// TestLoadBytesLength: load_bytes(off, buf, len), as the original
// accepts it, reads len bytes.
func TestLoadBytesLength(t *testing.T) {
	f := frameUDP4
	_, prog := loadFilter(t, filterScript("", `local b = ffi.new('uint8_t [8]')
load_bytes(12, b, 2)
return b[0] * 65536 + b[1] * 256 + b[2]`))
	if got, want := run(t, prog, f, nil), uint32(f[12])<<16|uint32(f[13])<<8; got != want {
		t.Errorf("returned %#x, want %#x (two bytes read, the third left 0)", got, want)
	}
}

// TestTableStandingForMapUsesItsFD: a table whose fd is a BPF map of
// the shape it describes stands for that very map, as the original's
// compiler used a map table's fd: what the program writes, the map
// holds. When the fd is not a map of that shape (a made-up 42, as in
// the original's tests), the program gets a map of its own.
func TestTableStandingForMapUsesItsFD(t *testing.T) {
	rt, prog := loadFilter(t, filterScript(`real = bpf.map('hash', 16, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
other = bpf.map('hash', 16)
local mock = {__map = true, fd = real.fd, max_entries = 16, key_type = ffi.typeof('uint32_t'), val_type = ffi.typeof('uint64_t')}
local unlike = {__map = true, fd = other.fd, max_entries = 16, val_type = ffi.typeof('uint64_t')}
local stdout = {__map = true, fd = 1}`,
		`mock[pkt.ip.proto] = 40
xadd(mock[pkt.ip.proto], 2)
unlike[pkt.ip.proto] = 5
stdout[pkt.ip.proto] = 6
return unlike[pkt.ip.proto][0] + stdout[pkt.ip.proto][0]`))
	if got := run(t, prog, frameUDP4, nil); got != 11 {
		t.Errorf("returned %d, want 11", got)
	}
	if got := eval(t, rt, "return tostring(real[17]) .. ' ' .. tostring(other[17])"); got != "42 nil" {
		t.Errorf("real[17], other[17] = %s, want 42 nil", got)
	}
}
