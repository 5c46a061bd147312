package runtime

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
	"golang.org/x/sys/unix"
)

// TestCompiledObjectMapTypes: an object using every kind of map loads
// with cilium/ebpf: the perf event array's max_entries 0 becomes the
// CPU count, BTF-less maps keep their sizes, and the tracepoint program
// writes to each.
func TestCompiledObjectMapTypes(t *testing.T) {
	kerneltest.Require(t)
	rt := New(&Options{Mode: Compile, Stdout: io.Discard})
	defer rt.Close()
	err := rt.RunString(context.Background(), "maps.lua", `local ffi = require('ffi')
local bpf = require('bpf')
MYPID = require('syscall').getpid()
local events = bpf.map('perf_event_array')
local ring = bpf.map('ringbuf', 4096 * 4)
local stacks = bpf.map('stack_trace', 8)
local percpu = bpf.map('percpu_array', 1, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
local lru = bpf.map('lru_hash', 16, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	if bit.rshift(pid_tgid(), 32) ~= MYPID then return end
	local n = ffi.new('uint64_t', 7)
	perf_submit(events, n)
	perf_submit(ring, n)
	xadd(percpu[0], 1)
	lru[1] = stack_id(stacks, 0) + 100
end)
`, nil)
	if err != nil {
		t.Fatalf("script: %s", source.Detail(err))
	}
	c, err := rt.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Object()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if m := spec.Maps["events"]; m == nil || m.MaxEntries != 0 || m.Type != ebpf.PerfEventArray {
		t.Errorf("events: %v, want a perf event array with max_entries 0", m)
	}
	if m := spec.Maps["stacks"]; m == nil || m.KeySize != 4 || m.ValueSize != 127*8 {
		t.Errorf("stacks: %v, want 4-byte keys and 127 addresses", m)
	}
	if m := spec.Maps["ring"]; m == nil || m.MaxEntries != 4096*4 {
		t.Errorf("ring: %v, want 16384 bytes", m)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("NewCollection: %v", err)
	}
	defer coll.Close()
	cpus, err := ebpf.PossibleCPU()
	if err != nil {
		t.Fatal(err)
	}
	if got := coll.Maps["events"].MaxEntries(); got != uint32(cpus) {
		t.Errorf("events has %d entries, want one per CPU (%d)", got, cpus)
	}
	l, err := link.Tracepoint("syscalls", "sys_enter_getpid", coll.Programs["fn_9"], nil)
	if err != nil {
		t.Fatal(err)
	}
	unix.Getpid()
	l.Close()
	vals := make([]uint64, cpus)
	if err := coll.Maps["percpu"].Lookup(uint32(0), vals); err != nil {
		t.Fatal(err)
	}
	var sum uint64
	for _, v := range vals {
		sum += v
	}
	if sum != 1 {
		t.Errorf("percpu counts %v, want 1 in all", vals)
	}
	var id uint64
	if err := coll.Maps["lru"].Lookup(uint32(1), &id); err != nil || id < 100 {
		t.Errorf("lru[1] = %d (%v): want a stack id + 100", id, err)
	}
	var stack [127 * 8]byte
	if err := coll.Maps["stacks"].Lookup(uint32(id-100), stack[:]); err != nil || binary.NativeEndian.Uint64(stack[:]) == 0 {
		t.Errorf("stack %d: %v, want a recorded stack", id-100, err)
	}
}
