package runtime

import "testing"

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
