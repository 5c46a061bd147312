package runtime

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
	"github.com/cilium/ebpf/ringbuf"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The event rate a script's reader keeps up with: a thread calls getpid
// in a loop, a tracepoint program sends a 16-byte record for each call
// through a perf event array or a ring buffer, and a Lua `for _, e in
// r:read()` loop counts them. The same program's map read by a plain Go
// reader (cilium/ebpf, records reused) is measured beside it, in the
// same run. Each iteration generates for LUABPF_EVRATE_TIME (a Go
// duration, 300ms unless set), then the reader drains what is left.
//
// The collector's target is GCPercent, as in luabpf run, unless GOGC
// is set.
//
// Metrics: events/s read (per second of generation), lost/s (records
// the program could not send: the buffer was full), lost (per run), and
// hits/s (the getpid calls the program saw).
//
//	LUABPF_EVRATE_TIME=2s go test ./runtime -run '^$' -bench EventRate -benchtime 3x

// evrateScript is the program: filter on the generator's thread, count
// the hits in counts[0], send {time, pid_tgid}, count failed sends in
// counts[1].
const evrateScript = `local ffi = require('ffi')
local bpf = require('bpf')
events = bpf.map(%s)
counts = bpf.map('array', 2, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
event_t = 'struct { uint64_t time; uint64_t id; }'
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	local id = pid_tgid()
	if bit.band(id, 0xffffffff) == %d then
		xadd(counts[0], 1)
		local e = ffi.new('struct { uint64_t time; uint64_t id; }')
		e.time = time()
		e.id = id
		if perf_submit(events, e) ~= 0 then xadd(counts[1], 1) end
	end
end)
`

// evrateLua is the script's reading loop: wait, read all there is, and
// stop once the generator is done and nothing came for 50 ms.
const evrateLua = `local n = 0
while true do
	if reader:block(0.05) then
		for _, e in reader:read() do n = n + 1 end
	elseif gen_done() then
		break
	end
end
return n`

// evrateRingbufBytes is the ring buffer's size: the perf reader's two
// default rings' worth on this 2-CPU machine, 128 KiB, rounded to a
// power of two for any CPU count.
func evrateRingbufBytes() int {
	n := 4096
	for n < defaultPerfBytes*goruntime.NumCPU() {
		n *= 2
	}
	return n
}

func evrateTime(b *testing.B) time.Duration {
	if s := os.Getenv("LUABPF_EVRATE_TIME"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatalf("LUABPF_EVRATE_TIME: %v", err)
		}
		return d
	}
	return 300 * time.Millisecond
}

// generator is a thread that calls getpid on command.
type generator struct {
	tid  int
	cmd  chan genRun
	done chan time.Duration
}

// genRun asks for getpid calls for d, as fast as possible (rate 0) or
// at rate calls per second.
type genRun struct {
	d    time.Duration
	rate float64
}

func startGenerator(b *testing.B) *generator {
	g := &generator{cmd: make(chan genRun), done: make(chan time.Duration)}
	tid := make(chan int)
	go func() {
		goruntime.LockOSThread()
		defer goruntime.UnlockOSThread()
		tid <- unix.Gettid()
		for c := range g.cmd {
			start := time.Now()
			if c.rate == 0 {
				for time.Since(start) < c.d {
					for i := 0; i < 64; i++ {
						unix.Getpid()
					}
				}
			} else {
				// Bursts that keep to the rate on average, and a short
				// sleep when ahead of it.
				sent := 0
				for {
					el := time.Since(start)
					if el >= c.d {
						break
					}
					want := int(el.Seconds() * c.rate)
					if sent >= want {
						time.Sleep(100 * time.Microsecond)
						continue
					}
					for ; sent < want; sent++ {
						unix.Getpid()
					}
				}
			}
			g.done <- time.Since(start)
		}
	}()
	g.tid = <-tid
	b.Cleanup(func() { close(g.cmd) })
	return g
}

// evrateSetup runs the script for the generator's thread and returns
// the runtime and its events map.
func evrateSetup(b *testing.B, mapArgs string, g *generator) (*Runtime, *ebpf.Map) {
	rt := New(nil)
	b.Cleanup(func() { rt.Close() })
	if err := rt.RunString(b.Context(), "evrate.lua", fmt.Sprintf(evrateScript, mapArgs, g.tid), nil); err != nil {
		b.Fatal(err)
	}
	m, err := rt.L.GetGlobal("events").(*lua.LUserData).Value.(*Map).create()
	if err != nil {
		b.Fatal(err)
	}
	return rt, m
}

// evrateRun runs the generator once while read counts records, and
// reports the rates: read returns the records it read once the
// generator is done (genDone true) and the rings are drained.
func evrateRun(b *testing.B, rt *Runtime, g *generator, rate float64, read func(genDone *atomic.Bool) int) {
	d := evrateTime(b)
	var total struct {
		read, lost, hits int
		secs             float64
	}
	for b.Loop() {
		if _, err := rt.Eval("counts[0] = 0; counts[1] = 0; return 0"); err != nil {
			b.Fatal(err)
		}
		var genDone atomic.Bool
		var genTime time.Duration
		g.cmd <- genRun{d: d, rate: rate}
		go func() {
			genTime = <-g.done
			genDone.Store(true)
		}()
		n := read(&genDone)
		for !genDone.Load() {
			time.Sleep(time.Millisecond)
		}
		var hits, lost int
		s, err := rt.Eval("return tonumber(counts[0]) .. ' ' .. tonumber(counts[1])")
		if err != nil {
			b.Fatal(err)
		}
		fmt.Sscan(s, &hits, &lost)
		if n+lost != hits {
			b.Errorf("read %d + lost %d records, the program saw %d calls", n, lost, hits)
		}
		total.read += n
		total.lost += lost
		total.hits += hits
		total.secs += genTime.Seconds()
	}
	b.ReportMetric(float64(total.read)/total.secs, "events/s")
	b.ReportMetric(float64(total.lost)/total.secs, "lost/s")
	b.ReportMetric(float64(total.lost)/float64(b.N), "lost")
	b.ReportMetric(float64(total.hits)/total.secs, "hits/s")
	if rate != 0 && total.lost != 0 {
		b.Errorf("lost %d of %d records at %.0f/s", total.lost, total.hits, rate)
	}
}

// luaRead reads through the script's reader.
func luaRead(b *testing.B, rt *Runtime) func(*atomic.Bool) int {
	if _, err := rt.Eval("reader = events:reader(nil, nil, event_t); return 0"); err != nil {
		b.Fatal(err)
	}
	return func(genDone *atomic.Bool) int {
		rt.L.SetGlobal("gen_done", rt.L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LBool(genDone.Load()))
			return 1
		}))
		s, err := rt.Eval(evrateLua)
		if err != nil {
			b.Fatal(err)
		}
		var n int
		fmt.Sscan(s, &n)
		return n
	}
}

// goPerfRead reads the perf event array as a Go program would do it
// for speed: a wakeup once half a ring is filled, one reused record.
func goPerfRead(b *testing.B, m *ebpf.Map) func(*atomic.Bool) int {
	rd, err := perf.NewReaderWithOptions(m, defaultPerfBytes, perf.ReaderOptions{Watermark: defaultPerfBytes / 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rd.Close() })
	return func(genDone *atomic.Bool) int {
		var rec perf.Record
		n := 0
		for {
			rd.SetDeadline(time.Now().Add(50 * time.Millisecond))
			err := rd.ReadInto(&rec)
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				if genDone.Load() {
					return n
				}
			case err != nil:
				b.Fatal(err)
			case rec.LostSamples == 0:
				n++
			}
		}
	}
}

// goRingRead reads the ring buffer with one reused record.
func goRingRead(b *testing.B, m *ebpf.Map) func(*atomic.Bool) int {
	rd, err := ringbuf.NewReader(m)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rd.Close() })
	return func(genDone *atomic.Bool) int {
		var rec ringbuf.Record
		n := 0
		for {
			rd.SetDeadline(time.Now().Add(50 * time.Millisecond))
			err := rd.ReadInto(&rec)
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				if genDone.Load() {
					return n
				}
			case err != nil:
				b.Fatal(err)
			default:
				n++
			}
		}
	}
}

// BenchmarkEventRate: perf and ringbuf, read by Lua and by Go, as fast
// as the generator goes and at 100,000 calls a second (where nothing
// may be lost).
func BenchmarkEventRate(b *testing.B) {
	kerneltest.Require(b)
	if os.Getenv("GOGC") == "" {
		// as luabpf run does
		defer debug.SetGCPercent(debug.SetGCPercent(GCPercent))
	}
	maps := []struct {
		name, args string
		goRead     func(*testing.B, *ebpf.Map) func(*atomic.Bool) int
	}{
		{"perf", "'perf_event_array'", goPerfRead},
		{"ringbuf", fmt.Sprintf("'ringbuf', %d", evrateRingbufBytes()), goRingRead},
	}
	for _, mt := range maps {
		for _, pace := range []struct {
			name string
			rate float64
		}{{"max", 0}, {"100k", 100e3}} {
			b.Run(mt.name+"/lua/"+pace.name, func(b *testing.B) {
				g := startGenerator(b)
				rt, _ := evrateSetup(b, mt.args, g)
				evrateRun(b, rt, g, pace.rate, luaRead(b, rt))
			})
			b.Run(mt.name+"/go/"+pace.name, func(b *testing.B) {
				g := startGenerator(b)
				rt, m := evrateSetup(b, mt.args, g)
				evrateRun(b, rt, g, pace.rate, mt.goRead(b, m))
			})
		}
	}
}
