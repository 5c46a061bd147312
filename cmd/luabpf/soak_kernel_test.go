package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"golang.org/x/sys/unix"
)

// soak is how long each soak test floods luabpf; 0 (the default, and
// CI's) skips them. Run them with
//
//	go test ./cmd/luabpf -run Soak -v -soak=2m
var soak = flag.Duration("soak", 0, "run the soak tests for this long each (e.g. 2m)")

// soakPort is the UDP port the generator's frames go to, which the
// filter counts.
const soakPort = 7777

// soakSocketScript counts the generator's frames on veth1 and prints the
// count when interrupted.
const soakSocketScript = `local bpf = require('bpf')
local ffi = require('ffi')
local S = require('syscall')
local n = bpf.map('array', 1, nil, ffi.typeof('uint64_t'))
bpf.socket('veth1', function (skb)
	if pkt.ip.proto == 17 and ntoh(pkt.ip.udp.dst_port) == PORT then
		xadd(n[0], 1)
	end
	return 0
end)
print('ready')
pcall(function ()
	while true do S.sleep(1) end
end)
print('final', tonumber(n[0]))
`

// TestSoakSocket floods a socket filter on one end of a veth pair with
// frames written to the other end, for -soak, and checks that the
// filter counted exactly the frames the pair delivered, that luabpf's
// memory did not grow, and that it left nothing behind.
func TestSoakSocket(t *testing.T) {
	if *soak <= 0 {
		t.Skip("a soak test; run with -soak=DURATION")
	}
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	ns.Veth(t, "veth0", "veth1")
	before := packetSockets(t, ns)
	script := filepath.Join(t.TempDir(), "soak.lua")
	writeScript(t, filepath.Dir(script), "soak.lua", strings.ReplaceAll(soakSocketScript, "PORT", strconv.Itoa(soakPort)))
	p := startLuabpf(t, ns, script)
	if l := p.next(t, 10*time.Second); l.text != "ready" {
		t.Fatalf("first line %q, want ready", l.text)
	}
	progs := bpfProgIDs(t, p.cmd.Process.Pid)

	var fd int
	if err := ns.Do(func() (err error) {
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ifindex := ns.Ifindex(t, "veth0")
	frame := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Proto: packet.ProtoUDP, Src: netip.MustParseAddr("10.1.0.1"), Dst: netip.MustParseAddr("10.1.0.2")}).
		UDP(40000, soakPort).Payload(make([]byte, 18)).Bytes()
	to := &unix.SockaddrLinklayer{Ifindex: ifindex}

	mem := newRSSWatch(t, p.cmd.Process.Pid)
	var sent, failed uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for range 256 {
				if err := unix.Sendto(fd, frame, 0, to); err != nil {
					failed++
					continue
				}
				sent++
			}
		}
	}()
	mem.sampleUntil(*soak)
	close(stop)
	<-done
	unix.Close(fd)                     // the generator's packet socket
	time.Sleep(500 * time.Millisecond) // frames still queued reach the filter
	var drops uint64
	if err := ns.Do(func() (err error) {
		drops, err = vethDrops()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mem.sample()

	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code, rest := p.wait(t, 5*time.Second)
	var counted uint64
	if len(rest) != 1 || !strings.HasPrefix(rest[0].text, "final\t") {
		t.Fatalf("after Ctrl-C luabpf printed %v, want the final count; stderr:\n%s", rest, p.stderr)
	}
	counted, _ = strconv.ParseUint(strings.TrimPrefix(rest[0].text, "final\t"), 10, 64)
	t.Logf("%v: %d frames sent (%d sends failed), %d dropped by the veth pair, %d counted by the filter", *soak, sent, failed, drops, counted)
	mem.report()
	if code != 0 {
		t.Errorf("exit status %d", code)
	}
	if counted != sent-drops {
		t.Errorf("the filter counted %d frames, the pair delivered %d (%d sent, %d dropped)", counted, sent-drops, sent, drops)
	}
	for _, id := range progs {
		waitProgGone(t, id)
	}
	if n := packetSockets(t, ns); n != before {
		t.Errorf("%d packet sockets after exit, want %d", n, before)
	} else {
		t.Logf("teardown: %d programs freed, packet sockets back to %d", len(progs), before)
	}
}

// soakTraceScript counts getppid calls of process TARGET in the kernel
// and sends one perf record per call, which the reader counts.
const soakTraceScript = `local bpf = require('bpf')
local ffi = require('ffi')
local TARGET = tonumber(arg[1])
local ev = bpf.map('perf_event_array')
local n = bpf.map('array', 1, nil, ffi.typeof('uint64_t'))
bpf.tracepoint('syscalls/sys_enter_getppid', function (a)
	if bit.rshift(pid_tgid(), 32) == TARGET then
		xadd(n[0], 1)
		local e = ffi.new('struct { uint64_t seq; }')
		e.seq = 1
		perf_submit(ev, e)
	end
end)
local r = ev:reader(nil, nil, ffi.typeof('struct { uint64_t seq; }'))
print('ready')
local got = 0
pcall(function ()
	while true do
		r:block(1)
		for _, e in r:read() do got = got + 1 end
	end
end)
while r:block(0.2) do
	for _, e in r:read() do got = got + 1 end
end
print('final', got, tonumber(r.lost), tonumber(n[0]))
`

// TestSoakTracepoint makes getppid calls as fast as it can for -soak
// with a tracepoint counting them in the kernel and sending one perf
// record each to a reader, and checks the kernel count is exact, every
// call is a record read or one the perf ring reports lost, memory does
// not grow, and nothing is left behind.
func TestSoakTracepoint(t *testing.T) {
	if *soak <= 0 {
		t.Skip("a soak test; run with -soak=DURATION")
	}
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	script := filepath.Join(t.TempDir(), "soak.lua")
	writeScript(t, filepath.Dir(script), "soak.lua", soakTraceScript)
	p := startLuabpf(t, ns, script, strconv.Itoa(os.Getpid()))
	if l := p.next(t, 10*time.Second); l.text != "ready" {
		t.Fatalf("first line %q, want ready", l.text)
	}
	pid := p.cmd.Process.Pid
	held := heldBPFObjects(t, pid)
	mem := newRSSWatch(t, pid)

	var calls atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for range 1024 {
				syscall.Getppid()
			}
			calls.Add(1024)
		}
	}()
	mem.sampleUntil(*soak)
	close(stop)
	<-done
	time.Sleep(time.Second) // the reader drains the rings
	// The kernel reports records a full ring lost only with the next
	// record it can store there, so the last losses of each CPU's ring
	// show up once a few more calls come from that CPU.
	calls.Add(callsOnEveryCPU(t, 16))
	time.Sleep(time.Second)
	mem.sample()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code, rest := p.wait(t, 10*time.Second)
	if len(rest) != 1 || !strings.HasPrefix(rest[0].text, "final\t") {
		t.Fatalf("after Ctrl-C luabpf printed %v, want the final counts; stderr:\n%s", rest, p.stderr)
	}
	var got, lost, kernel uint64
	if _, err := fmt.Sscanf(rest[0].text, "final\t%d\t%d\t%d", &got, &lost, &kernel); err != nil {
		t.Fatalf("final line %q: %v", rest[0].text, err)
	}
	sent := calls.Load()
	t.Logf("%v: %d getppid calls, %d counted in the kernel, %d records read, %d lost", *soak, sent, kernel, got, lost)
	mem.report()
	if code != 0 {
		t.Errorf("exit status %d", code)
	}
	if kernel != sent {
		t.Errorf("the kernel counted %d calls, the generator made %d", kernel, sent)
	}
	if got+lost != sent {
		t.Errorf("%d records read and %d lost, %d calls made", got, lost, sent)
	}
	waitGone(t, held)
	t.Logf("teardown: %d programs, %d maps, %d links freed", len(held.progs), len(held.maps), len(held.links))
}

// callsOnEveryCPU makes n getppid calls on each CPU the test may run on
// and returns how many it made.
func callsOnEveryCPU(t *testing.T, n int) uint64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	defer unix.SchedSetaffinity(0, &all)
	var made uint64
	for cpu := range 1024 {
		if !all.IsSet(cpu) {
			continue
		}
		var one unix.CPUSet
		one.Set(cpu)
		if err := unix.SchedSetaffinity(0, &one); err != nil {
			t.Fatal(err)
		}
		for range n {
			syscall.Getppid()
		}
		made += uint64(n)
	}
	return made
}

// rssWatch samples a process's resident memory.
type rssWatch struct {
	t             *testing.T
	pid           int
	first, last   uint64 // kB
	warm          uint64 // kB, after the first 10 s: the heap's working size
	peak, samples uint64
}

// newRSSWatch starts watching process pid, taking its first sample.
func newRSSWatch(t *testing.T, pid int) *rssWatch {
	w := &rssWatch{t: t, pid: pid}
	w.first = w.read()
	w.peak, w.last = w.first, w.first
	return w
}

// read returns VmRSS in kB.
func (w *rssWatch) read() uint64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", w.pid))
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	w.t.Fatal("no VmRSS")
	return 0
}

// sample records the current RSS.
func (w *rssWatch) sample() {
	w.last = w.read()
	w.peak = max(w.peak, w.last)
	w.samples++
}

// sampleUntil samples every second for d, logging the RSS every 10 s so
// a plateau shows apart from growth.
func (w *rssWatch) sampleUntil(d time.Duration) {
	start := time.Now()
	for time.Since(start) < d {
		time.Sleep(time.Second)
		w.sample()
		if w.samples == 10 {
			w.warm = w.last
		}
		if w.samples%10 == 0 {
			w.t.Logf("%v: RSS %d kB", time.Since(start).Round(time.Second), w.last)
		}
	}
}

// report logs the figures and fails when memory grew by more than a
// margin for the garbage collector's slack.
func (w *rssWatch) report() {
	w.t.Logf("luabpf RSS: %d kB at the start, %d kB after 10 s, %d kB at the end, %d kB at most (%d samples)", w.first, w.warm, w.last, w.peak, w.samples)
	// The collector lets the heap grow to five times what is live (GOGC
	// 400) before it collects, so the first seconds of a busy reader
	// raise the RSS to a plateau; growth past it is what a leak makes.
	base := max(w.warm, w.first)
	if w.last > base+max(base/4, 8<<10) {
		w.t.Errorf("RSS grew from %d kB after 10 s to %d kB", base, w.last)
	}
}

// vethDrops returns veth0's transmit drops plus veth1's receive drops,
// from /proc/net/dev of the calling thread's namespace.
func vethDrops() (uint64, error) {
	data, err := os.ReadFile("/proc/thread-self/net/dev")
	if err != nil {
		return 0, err
	}
	var total uint64
	for l := range strings.Lines(string(data)) {
		name, rest, ok := strings.Cut(strings.TrimSpace(l), ":")
		f := strings.Fields(rest)
		if !ok || len(f) < 12 {
			continue
		}
		// receive: bytes packets errs drop ...; transmit from field 8.
		col := map[string]int{"veth1": 3, "veth0": 11}[name]
		if col == 0 {
			continue
		}
		n, err := strconv.ParseUint(f[col], 10, 64)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
