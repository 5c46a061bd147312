package runtime

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/internal/source"
)

// compileScript runs script in Compile mode and returns what it recorded
// and printed. Compile mode touches no kernel object, so these tests run
// without root.
func compileScript(t *testing.T, script string) (*Compiled, string) {
	t.Helper()
	var out bytes.Buffer
	rt := New(&Options{Stdout: &out, Mode: Compile})
	defer rt.Close()
	if err := rt.RunString(context.Background(), "c.lua", script, nil); err != nil {
		t.Fatalf("script: %s", source.Detail(err))
	}
	c, err := rt.Compiled()
	if err != nil {
		t.Fatalf("Compiled: %v", err)
	}
	return c, out.String()
}

const compilePrelude = `local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')
`

// TestCompileRecordsAndStops: the socket is recorded with its attach
// point (lo need not exist where the object is built), the map keeps
// what the top level stores, and the run ends at the first sleep, inside
// a pcall or not.
func TestCompileRecordsAndStops(t *testing.T) {
	c, out := compileScript(t, compilePrelude+`
local counts = bpf.map('hash', 64)
counts[1], counts[6] = 0, 0
bpf.socket('no-such-interface', function (skb)
	xadd(counts[pkt.ip.proto], 1)
end)
print('before', counts[1], counts[6], counts[17])
pcall(function ()
	S.sleep(1)
end)
print('after')
`)
	if out != "before\t0\t0\tnil\n" {
		t.Errorf("printed %q: want the top level up to the sleep, reading back what it stored", out)
	}
	if c.Stop != "c.lua:12: syscall.sleep" {
		t.Errorf("Stop = %q, want c.lua:12: syscall.sleep", c.Stop)
	}
	if len(c.Programs) != 1 {
		t.Fatalf("%d programs, want 1", len(c.Programs))
	}
	p := c.Programs[0]
	if p.Name != "fn_7" || p.Section != "socket" || !slices.Equal(p.Attach, []string{"interface no-such-interface"}) {
		t.Errorf("program %s in %s attached to %q; want fn_7 in socket attached to interface no-such-interface", p.Name, p.Section, p.Attach)
	}
	if len(c.Maps) != 1 || c.Maps[0].Name != "counts" {
		t.Fatalf("maps %+v, want one named counts", c.Maps)
	}
	if m := c.Maps[0]; m.Wrote != "c.lua:6" || m.Written != 2 {
		t.Errorf("map written at %q with %d entries, want c.lua:6 and 2", m.Wrote, m.Written)
	}
	notes := c.Notes()
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "c.lua:6: the script stores 2 entries into map 'counts'") {
		t.Errorf("notes %q", notes)
	}
}

// TestCompileStopsAtWaits: each call that would wait for events ends the
// run there, cleanly.
func TestCompileStopsAtWaits(t *testing.T) {
	for _, tc := range []struct{ call, want string }{
		{"S.sleep(0)", "syscall.sleep"},
		{"S.nanosleep(0.5)", "syscall.sleep"},
		{"local r = events:reader()", "map:reader"},
		{"local log = bpf.tracelog()", "bpf.tracelog"},
	} {
		c, out := compileScript(t, compilePrelude+`
local events = bpf.map('perf_event_array')
bpf(function (skb) return 1 end)
print('one')
`+tc.call+`
print('two')
`)
		if out != "one\n" || c.Stop != "c.lua:8: "+tc.want {
			t.Errorf("%s: printed %q and stopped at %q; want one and c.lua:8: %s", tc.call, out, c.Stop, tc.want)
		}
	}
	c, _ := compileScript(t, compilePrelude+"bpf(function (skb) return 1 end)\n")
	if c.Stop != "" {
		t.Errorf("a script that runs to its end stopped at %q", c.Stop)
	}
}

// TestCompileMapNames: maps are named as the kernel functions reach them
// (upvalue, global, table field), made unique; a map no function names
// keeps the runtime's name.
func TestCompileMapNames(t *testing.T) {
	c, _ := compileScript(t, compilePrelude+`
local m = bpf.map('array', 4)
local maps = {flows = bpf.map('hash', 8)}
hits = bpf.map('array', 2)
local function f(skb)
	xadd(m[0], 1)
	xadd(maps.flows[1], 1)
	xadd(hits[0], 1)
end
bpf(f)
do
	local m = bpf.map('array', 1)
	bpf(function (skb) xadd(m[0], 1) end)
end
bpf(f)
`)
	var names []string
	for _, m := range c.Maps {
		names = append(names, m.Name)
	}
	if want := []string{"m", "maps_flows", "hits", "m_2"}; !slices.Equal(names, want) {
		t.Errorf("map names %q, want %q", names, want)
	}
	var progs []string
	for _, p := range c.Programs {
		progs = append(progs, p.Name)
	}
	if want := []string{"f", "fn_16", "f_2"}; !slices.Equal(progs, want) {
		t.Errorf("program names %q, want %q", progs, want)
	}
}

// TestCompileAttachedProgramOnce: a bpf(fn) program attached as it is
// appears once, with its attach point.
func TestCompileAttachedProgramOnce(t *testing.T) {
	c, _ := compileScript(t, compilePrelude+`
local prog = bpf(function (skb) return 0 end)
bpf.socket('lo', prog)
bpf.socket(3, prog)
`)
	if len(c.Programs) != 1 || !slices.Equal(c.Programs[0].Attach, []string{"interface lo", "socket descriptor 3"}) {
		t.Errorf("programs %+v, want one attached to lo and descriptor 3", c.Programs)
	}
}

// TestCompileMapsInMemory: userspace reads and writes maps as the
// kernel's would behave before any event: arrays have every index,
// zeroed; hashes hold what was stored, iterated in a fixed order.
func TestCompileMapsInMemory(t *testing.T) {
	_, out := compileScript(t, compilePrelude+`
local a = bpf.map('array', 3, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
local h = bpf.map('hash', 2)
local pc = bpf.map('percpu_array', 1)
a[2] = 7
h[5], h[1] = 50, 10
local s = ''
for k, v in a.pairs, a, nil do s = s .. k .. '=' .. tostring(v) .. ' ' end
for k, v in pairs(h) do s = s .. k .. '=' .. v .. ' ' end
print(s, a[3], h[2])
h[1] = nil
print(pcall(function () h[3] = 1; h[4] = 1 end))
print(pcall(function () a[0] = nil end))
pc[0] = 4
print(#pc[0] > 0, pc[0][1])
bpf(function (skb) xadd(a[0], 1); xadd(h[0], 1); xadd(pc[0], 1) end)
`)
	want := "0=0 1=0 2=7 1=10 5=50 \tnil\tnil\n" +
		"false\tc.lua:15: update map: the map is full (2 entries)\n" +
		"false\tc.lua:16: delete from map: array entries cannot be deleted; store 0 instead\n" +
		"true\t4\n"
	if out != want {
		t.Errorf("printed\n%s\nwant\n%s", out, want)
	}
}

// TestCompileObject: the object cilium/ebpf reads back has the programs
// under their names and sections, the maps under their Lua names with
// their key types' BTF, map loads pointing at them, and the license.
func TestCompileObject(t *testing.T) {
	c, _ := compileScript(t, compilePrelude+`
local flows = bpf.map('hash', 16, ffi.typeof('struct { uint32_t src; uint16_t port; }'), ffi.typeof('uint64_t'))
local events = bpf.map('perf_event_array')
local function count(skb)
	local key = ffi.new('struct { uint32_t src; uint16_t port; }')
	key.src = pkt.ip.src
	xadd(flows[key], skb.len)
end
bpf.socket('lo', count)
`)
	b, err := c.Object()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("LoadCollectionSpecFromReader: %v", err)
	}
	p := spec.Programs["count"]
	if p == nil || p.SectionName != "socket" || p.Type != ebpf.SocketFilter || p.License != "GPL" {
		t.Fatalf("programs %v: want count, a socket filter in section socket, GPL", spec.Programs)
	}
	if refs := mapRefs(p); !slices.Equal(refs, []string{"flows"}) {
		t.Errorf("program loads maps %q, want flows", refs)
	}
	m := spec.Maps["flows"]
	if m == nil || m.Type != ebpf.Hash || m.KeySize != 8 || m.ValueSize != 8 || m.MaxEntries != 16 {
		t.Fatalf("maps %v: want flows, a hash of 8-byte keys and values, 16 entries", spec.Maps)
	}
	key, ok := btf.UnderlyingType(m.Key).(*btf.Struct)
	if !ok || len(key.Members) != 2 || key.Members[0].Name != "src" || key.Members[1].Name != "port" {
		t.Errorf("key type %v, want a struct of src and port", m.Key)
	}
	// The perf event array is not used by the program: not in the object.
	if _, ok := spec.Maps["events"]; ok {
		t.Errorf("the object holds events, which no program uses")
	}
	again, err := c.Object()
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("a second Object() differs (%v)", err)
	}
}

// mapRefs lists the maps a program's instructions load, in order.
func mapRefs(p *ebpf.ProgramSpec) []string {
	var out []string
	for _, ins := range p.Instructions {
		if ins.IsLoadFromMap() {
			out = append(out, ins.Reference())
		}
	}
	return out
}

// TestCompileErrors: what makes a Compile-mode run fail.
func TestCompileModeErrors(t *testing.T) {
	rt := New(&Options{Mode: Compile, Stdout: io.Discard})
	defer rt.Close()
	if err := rt.RunString(context.Background(), "c.lua", "print('no kernel code')\n", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Compiled(); err == nil || !strings.Contains(err.Error(), "compiles no kernel function") {
		t.Errorf("Compiled() of a script without kernel functions: %v", err)
	}
	ex := New(nil)
	defer ex.Close()
	if _, err := ex.Compiled(); err == nil {
		t.Errorf("Compiled() in Execute mode returned no error")
	}

	// An interrupt cuts the top level short: Run says so.
	in := New(&Options{Mode: Compile})
	defer in.Close()
	go in.Interrupt()
	err := in.RunString(context.Background(), "c.lua", "local bpf = require('bpf')\nbpf(function (skb) return 1 end)\nwhile true do end\n", nil)
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("interrupted run returned %v, want ErrInterrupted", err)
	}
}
