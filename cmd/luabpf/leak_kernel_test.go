package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// leakSetups are scripts that attach one kind of thing each and define
// wait(), which waits for events for ever. NAME is replaced by a program
// name unique to the test, BIN by a binary the test built.
var leakSetups = []struct{ name, setup string }{
	{"socket", `local m = bpf.map('array', 4)
local function NAME(skb)
	xadd(m[0], 1)
	return 0
end
bpf.socket('lo', NAME)
local function wait() while true do S.sleep(1) end end`},
	{"tracepoint", `local m = bpf.map('array', 4)
local function NAME(arg)
	xadd(m[0], 1)
end
bpf.tracepoint('syscalls/sys_enter_getppid', NAME)
local function wait() while true do S.sleep(1) end end`},
	{"uprobe", `local m = bpf.map('array', 4)
local function NAME(ptregs)
	xadd(m[0], 1)
end
bpf.uprobe('BIN:main.main', NAME)
local function wait() while true do S.sleep(1) end end`},
	{"perf-reader", `local ev = bpf.map('perf_event_array')
local function NAME(arg)
	local e = ffi.new('struct { uint32_t pid; }')
	e.pid = 1
	perf_submit(ev, e)
end
bpf.tracepoint('syscalls/sys_enter_getppid', NAME)
local r = ev:reader(nil, nil, ffi.typeof('struct { uint32_t pid; }'))
local function wait() while true do r:block(1) for _ in r:read() do end end end`},
	{"ringbuf-reader", `local ev = bpf.map('ringbuf', 65536)
local function NAME(arg)
	local e = ffi.new('struct { uint32_t pid; }')
	e.pid = 1
	perf_submit(ev, e)
end
bpf.tracepoint('syscalls/sys_enter_getppid', NAME)
local r = ev:reader(nil, nil, ffi.typeof('struct { uint32_t pid; }'))
local function wait() while true do r:block(1) for _ in r:read() do end end end`},
	{"xdp", `local m = bpf.map('array', 4)
local function NAME(ctx)
	xadd(m[0], 1)
	return BPF.XDP_PASS
end
bpf.xdp('veth1', NAME)
local function wait() while true do S.sleep(1) end end`},
	{"tc", `local m = bpf.map('array', 4)
local function NAME(skb)
	xadd(m[0], 1)
	return BPF.TC_ACT_OK
end
bpf.tc('veth0', 'egress', NAME)
local function wait() while true do S.sleep(1) end end`},
	{"trace-pipe-reader", `local m = bpf.map('array', 4)
local function NAME(skb)
	xadd(m[0], 1)
	return 0
end
bpf.socket('lo', NAME)
local log = bpf.tracelog(PIPE)
local function wait() while true do log:read() end end`},
}

// leakEndings are the ways a script ends, with the exit status luabpf
// must give: Lua after print('ready'), or a signal sent once it waits.
var leakEndings = []struct {
	name   string
	lua    string
	signal os.Signal
	code   int
}{
	{"normal", "", nil, 0},
	{"lua-error", "error('boom')", nil, 1},
	{"os.exit", "os.exit(3)", nil, 3},
	{"SIGINT", "wait()", os.Interrupt, 0},
	{"SIGTERM", "wait()", syscall.SIGTERM, 0},
}

// TestNoLeaks runs scripts that attach a socket filter, a tracepoint, a
// uprobe, a perf or ring buffer reader, XDP and TC programs (on a veth
// pair) and a trace_pipe reader, and end
// normally, by a Lua error, by os.exit, by SIGINT and by SIGTERM. While
// each runs it records the BPF programs, maps and links the luabpf
// process holds (by id, from its fdinfo, so other tests running on the
// machine do not count); afterwards none of them may exist, no program
// of the script's unique name may be left system-wide, the packet
// sockets of the test's namespace are as before, and no tracefs probe
// event named for the process remains.
func TestNoLeaks(t *testing.T) {
	kerneltest.Require(t)
	pipe := traceInstancePipe(t)
	for _, s := range leakSetups {
		for _, e := range leakEndings {
			t.Run(s.name+"/"+e.name, func(t *testing.T) {
				name := uniqueProgName(t)
				dir := t.TempDir()
				src := "local bpf = require('bpf')\nlocal ffi = require('ffi')\nlocal S = require('syscall')\n" +
					"local PIPE = " + strconv.Quote(pipe) + "\n" +
					strings.NewReplacer("NAME", name, "BIN", luabpfBin).Replace(s.setup) +
					"\nprint('ready')\n" +
					// Wait for the test to have looked at what it holds.
					"while not io.open(" + strconv.Quote(filepath.Join(dir, "go")) + ") do S.sleep(0.01) end\n" +
					e.lua + "\n"
				writeScript(t, dir, "leak.lua", src)
				ns := kerneltest.NewNetns(t)
				if s.name == "xdp" || s.name == "tc" {
					ns.Veth(t, "veth0", "veth1")
				}
				before := packetSockets(t, ns)

				p := startLuabpf(t, ns, filepath.Join(dir, "leak.lua"))
				if l := p.next(t, 10*time.Second); l.text != "ready" {
					t.Fatalf("first line %q, want ready", l.text)
				}
				pid := p.cmd.Process.Pid
				held := heldBPFObjects(t, pid)
				if len(held.progs) == 0 || len(held.maps) == 0 {
					t.Fatalf("luabpf holds programs %v and maps %v; want some of each", held.progs, held.maps)
				}
				if s.name != "socket" && s.name != "trace-pipe-reader" && len(held.links) == 0 && held.perfEvents == 0 {
					t.Errorf("a %s holds no link and no perf event", s.name)
				}
				if ids := programsNamed(t, name); len(ids) != 1 {
					t.Errorf("programs named %s system-wide: %v, want one", name, ids)
				}
				if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
				if e.signal != nil {
					time.Sleep(200 * time.Millisecond) // let it enter wait()
					if err := p.cmd.Process.Signal(e.signal); err != nil {
						t.Fatal(err)
					}
				}
				code, _ := p.wait(t, 5*time.Second)
				if code != e.code {
					t.Errorf("exit status %d, want %d; stderr:\n%s", code, e.code, p.stderr)
				}
				checkNoGoText(t, p.stderr.String())

				waitGone(t, held)
				if ids := programsNamed(t, name); len(ids) != 0 {
					t.Errorf("programs named %s left after exit: %v", name, ids)
				}
				if n := packetSockets(t, ns); n != before {
					t.Errorf("%d packet sockets after exit, want %d", n, before)
				}
				if evs := probeEventsOf(t, pid); len(evs) > 0 {
					t.Errorf("tracefs probe events left after exit: %q", evs)
				}
			})
		}
	}
}

// uniqueProgName returns a program name no other test on the machine
// uses, within the kernel's 15 characters.
func uniqueProgName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "lk_" + hex.EncodeToString(b)
}

// traceInstancePipe makes a tracefs instance for the test and returns
// its trace_pipe: reading it takes no line from the global trace_pipe,
// which other tests read.
func traceInstancePipe(t *testing.T) string {
	t.Helper()
	root, err := kerneltest.MountTracefs()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "instances", fmt.Sprintf("luabpf_leaktest_%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.Remove(dir); err != nil {
			t.Errorf("remove the tracefs instance: %v", err)
		}
	})
	return filepath.Join(dir, "trace_pipe")
}

// bpfObjects are the ids of the BPF objects a process holds.
type bpfObjects struct {
	progs      []ebpf.ProgramID
	maps       []ebpf.MapID
	links      []link.ID
	perfEvents int
}

// heldBPFObjects reads the BPF objects process pid holds fds of.
func heldBPFObjects(t *testing.T, pid int) bpfObjects {
	t.Helper()
	var o bpfObjects
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		target, _ := os.Readlink(filepath.Join(dir, e.Name()))
		if target == "anon_inode:[perf_event]" {
			o.perfEvents++
			continue
		}
		if !strings.HasPrefix(target, "anon_inode:bpf") {
			continue
		}
		info := fdinfo(t, pid, e.Name())
		switch {
		case info["prog_id"] != 0 && target == "anon_inode:bpf-prog":
			o.progs = append(o.progs, ebpf.ProgramID(info["prog_id"]))
		case info["map_id"] != 0:
			o.maps = append(o.maps, ebpf.MapID(info["map_id"]))
		case info["link_id"] != 0:
			o.links = append(o.links, link.ID(info["link_id"]))
		}
	}
	return o
}

// fdinfo reads the numeric fields of /proc/PID/fdinfo/FD.
func fdinfo(t *testing.T, pid int, fd string) map[string]uint64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, fd))
	if err != nil {
		return nil // closed meanwhile
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); ok && err == nil {
			out[k] = n
		}
	}
	return out
}

// waitGone fails the test unless every object of o is freed within two
// seconds (the kernel frees them asynchronously).
func waitGone(t *testing.T, o bpfObjects) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	exists := func() []string {
		var left []string
		for _, id := range o.progs {
			if p, err := ebpf.NewProgramFromID(id); err == nil || !errors.Is(err, os.ErrNotExist) {
				left = append(left, fmt.Sprintf("program %d", id))
				if err == nil {
					p.Close()
				}
			}
		}
		for _, id := range o.maps {
			if m, err := ebpf.NewMapFromID(id); err == nil || !errors.Is(err, os.ErrNotExist) {
				left = append(left, fmt.Sprintf("map %d", id))
				if err == nil {
					m.Close()
				}
			}
		}
		for _, id := range o.links {
			if l, err := link.NewFromID(id); err == nil || !errors.Is(err, os.ErrNotExist) {
				left = append(left, fmt.Sprintf("link %d", id))
				if err == nil {
					l.Close()
				}
			}
		}
		return left
	}
	for {
		left := exists()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("still there after luabpf exited: %s", strings.Join(left, ", "))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// programsNamed lists the programs named name on the whole machine,
// through the kernel's id iterator.
func programsNamed(t *testing.T, name string) []ebpf.ProgramID {
	t.Helper()
	var ids []ebpf.ProgramID
	var id ebpf.ProgramID
	for {
		next, err := ebpf.ProgramGetNextID(id)
		if errors.Is(err, os.ErrNotExist) {
			return ids
		}
		if err != nil {
			t.Fatal(err)
		}
		id = next
		p, err := ebpf.NewProgramFromID(id)
		if err != nil {
			continue // freed meanwhile
		}
		info, err := p.Info()
		p.Close()
		if err == nil && info.Name == name {
			ids = append(ids, id)
		}
	}
}

// probeEventsOf returns the kprobe and uprobe events in tracefs whose
// group names process pid (luabpf names them luabpf_PID_...).
func probeEventsOf(t *testing.T, pid int) []string {
	t.Helper()
	root, err := kerneltest.MountTracefs()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	mark := fmt.Sprintf("%s%d_", kerneltest.EventPrefix, pid)
	for _, f := range []string{"kprobe_events", "uprobe_events"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // a kernel without this probe type
		}
		for l := range strings.Lines(string(data)) {
			if strings.Contains(l, mark) {
				out = append(out, strings.TrimSpace(l))
			}
		}
	}
	return out
}
