package runtime

import (
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// structCopyPrelude declares maps of one struct type (a cdef'd tag), a
// map whose value type is the same anonymous struct written out again,
// a map keyed by the struct and two scalar maps, and fills the source entry m1[1] from userspace.
const structCopyPrelude = `ffi.cdef[[struct pair { uint32_t a; uint16_t b; uint8_t c[3]; };]]
m1 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('struct pair'))
m2 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('struct pair'))
anon1 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('struct { uint32_t x; uint32_t y; }'))
anon2 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('struct { uint32_t x; uint32_t y; }'))
wrap = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('struct { uint32_t tag; struct pair p; }'))
bykey = bpf.map('hash', 8, ffi.typeof('struct pair'), ffi.typeof('uint32_t'))
n1 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
n2 = bpf.map('hash', 8, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
m1[1] = {a = 0x11223344, b = 0x5566, c = {7, 8, 9}}
anon1[1] = {x = 3, y = 4}
function show(m, k)
	local v = m[k]
	if v == nil then return 'nil' end
	return string.format('%x %x %d %d %d', v.a, v.b, v.c[0], v.c[1], v.c[2])
end`

// Assigning a map's struct value to another map entry copies its bytes,
// as whole-struct assignment does in C; a missing source entry copies as
// zeros (it reads as 0, as a missing scalar value does: n2[3] = n1[9]
// stores 0). The same holds for the same map, for a struct written out
// twice, for a struct key taken from a map value, and for a stack object
// or struct member filled from a map value.
func TestStructValueCopy(t *testing.T) {
	body := `m2[2] = m1[1]
m2[3] = m1[9]
m1[5] = m1[1]
local v = m1[1]
m1[6] = v
anon2[1] = anon1[1]
anon2[2] = anon1[7]
n2[3] = n1[9]
local s = ffi.new('struct pair')
s.a = 1
ffi.copy(s, m1[1], ffi.sizeof(s))
s.b = 0x77
m2[4] = s
local z = ffi.new('struct pair')
z.a = 1
ffi.copy(z, m1[8], ffi.sizeof(z))
m2[7] = z
local w = ffi.new('struct { uint32_t tag; struct pair p; }')
w.tag = 9
w.p = m1[1]
wrap[1] = w
w.p = m1[8]
wrap[2] = w
bykey[m1[1]] = 5
bykey[m1[8]] = 6
return 1`
	rt, prog := loadFilter(t, filterScript(structCopyPrelude, body))
	if got := run(t, prog, frameUDP4, nil); got != 1 {
		t.Fatalf("returned %d, want 1", got)
	}
	for _, c := range []struct{ expr, want string }{
		{"show(m2, 2)", "11223344 5566 7 8 9"},
		{"show(m2, 3)", "0 0 0 0 0"},
		{"show(m1, 5)", "11223344 5566 7 8 9"},
		{"show(m1, 6)", "11223344 5566 7 8 9"},
		{"show(m1, 9)", "nil"},
		{"show(m2, 4)", "11223344 77 7 8 9"},
		{"show(m2, 7)", "0 0 0 0 0"},
		{"anon2[1].x .. ' ' .. anon2[1].y", "3 4"},
		{"anon2[2].x .. ' ' .. anon2[2].y", "0 0"},
		{"tostring(n2[3])", "0"},
		{"wrap[1].tag .. ' ' .. show({wrap[1].p}, 1)", "9 11223344 5566 7 8 9"},
		{"bykey[{a = 0x11223344, b = 0x5566, c = {7, 8, 9}}]", "5"},
		{"bykey[{}]", "6"},
		{"wrap[2].tag .. ' ' .. show({wrap[2].p}, 1)", "9 0 0 0 0 0"},
	} {
		if got := eval(t, rt, "return "+c.expr); got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
}

// A char array of a tracepoint's record assigned to a map value of its
// type is copied whole: sched_switch's prev_comm when this thread
// sleeps is the thread's name.
func TestRecordArrayCopiedToMap(t *testing.T) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()
	rt := runScript(t, tracePrelude+fmt.Sprintf(`
names = bpf.map('hash', 4, ffi.typeof('uint32_t'), ffi.typeof('char [16]'))
bpf.tracepoint('sched/sched_switch', function (arg)
	if arg.prev_pid == %d then names[0] = arg.prev_comm end
end)`, tid))
	for i := 0; i < 3; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/comm", tid))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(string(comm), "\n")
	if got := eval(t, rt, "return names[0] and require('ffi').string(names[0])"); got != want {
		t.Errorf("names[0] = %q, want this thread's name %q", got, want)
	}
}
