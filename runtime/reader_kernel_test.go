package runtime

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// onCPU runs f on a thread pinned to cpu, so BPF_PROG_TEST_RUN runs the
// program there.
func onCPU(t *testing.T, cpu int, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		t.Fatal(err)
	}
	set.Set(cpu)
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	defer unix.SchedSetaffinity(0, &old)
	f()
}

const eventPrelude = `events = bpf.map('%s'%s)
local event_t = 'struct { uint32_t n; uint16_t len; char tag[6]; }'
`

const eventBody = `local e = ffi.new('struct { uint32_t n; uint16_t len; char tag[6]; }')
e.n = skb.len * 3
e.len = skb.len
ffi.copy(e.tag, 'pkt')
return perf_submit(events, e) + 100`

// TestPerfSubmitRecordsReachReader sends records from kernel code through
// a perf event array and a ring buffer and reads every payload back in
// Lua, typed, through the all-CPU reader.
func TestPerfSubmitRecordsReachReader(t *testing.T) {
	for _, mt := range []struct{ typ, args string }{{"perf_event_array", ""}, {"ringbuf", ", 4096"}} {
		t.Run(mt.typ, func(t *testing.T) {
			rt, prog := loadFilter(t, filterScript(fmt.Sprintf(eventPrelude, mt.typ, mt.args)+
				"reader = events:reader(nil, nil, event_t)\n", eventBody))
			for i := 0; i < 5; i++ {
				if got := run(t, prog, frameUDP4[:40+i], nil); got != 100 {
					t.Fatalf("perf_submit returned %d, want 0", int32(got)-100)
				}
			}
			got := eval(t, rt, `
				local out = {}
				assert(reader:block(1), 'no record')
				for i, e in reader:read() do
					out[#out+1] = string.format('%d:%d/%d/%s', i, e.n, e.len, require('ffi').string(e.tag))
				end
				return table.concat(out, ' ') .. ' lost=' .. reader.lost`)
			want := "1:120/40/pkt 2:123/41/pkt 3:126/42/pkt 4:129/43/pkt 5:132/44/pkt lost=0"
			if got != want {
				t.Errorf("read %q\nwant %q", got, want)
			}
			if got := eval(t, rt, `return tostring(reader:block(0.01))`); got != "false" {
				t.Errorf("block on an empty reader returned %s, want false", got)
			}
			// tostring names the map type and record type, not an address.
			want = "bpf reader<" + mt.typ + ", struct { uint32_t n; uint16_t len; char tag[6]; }>|bpf reader<" + mt.typ + ", string>"
			if got := eval(t, rt, `return tostring(reader) .. '|' .. tostring(events:reader(nil, nil))`); got != want {
				t.Errorf("tostring(reader) = %q, want %q", got, want)
			}
		})
	}
}

// TestPerfReaderOneCPU checks a reader made as the original's scripts
// make them, for one CPU: records sent on every CPU arrive (the
// original lost those sent on other CPUs).
func TestPerfReaderOneCPU(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	rt, prog := loadFilter(t, filterScript(fmt.Sprintf(eventPrelude, "perf_event_array", "")+
		"reader = events:reader(nil, 0, event_t)\n", eventBody))
	for cpu := 0; cpu < 2; cpu++ {
		onCPU(t, cpu, func() {
			if got := run(t, prog, frameUDP4, nil); got != 100 {
				t.Errorf("perf_submit on CPU %d returned %d, want 0", cpu, int32(got)-100)
			}
		})
	}
	got := eval(t, rt, `local n = 0; for _ in reader:read() do n = n + 1 end; return n`)
	if got != "2" {
		t.Errorf("read %s records, want 2", got)
	}
}

// TestPerfReaderCountsLost fills a one-page ring without reading it: the
// records that did not fit are counted as lost. The kernel reports a
// loss with the next record that fits, so one more is sent after the
// ring is drained.
func TestPerfReaderCountsLost(t *testing.T) {
	rt, prog := loadFilter(t, filterScript(fmt.Sprintf(eventPrelude, "perf_event_array", "")+
		"reader = events:reader(nil, 0, event_t, 4096)\n", eventBody))
	const sent = 400
	count := `local n = 0; for _ in reader:read() do n = n + 1 end; return n .. ' ' .. reader.lost`
	onCPU(t, 0, func() {
		for i := 0; i < sent; i++ {
			run(t, prog, frameUDP4, nil)
		}
	})
	var n, lost, n2 int
	if _, err := fmt.Sscan(eval(t, rt, count), &n, &lost); err != nil {
		t.Fatal(err)
	}
	onCPU(t, 0, func() { run(t, prog, frameUDP4, nil) })
	if _, err := fmt.Sscan(eval(t, rt, count), &n2, &lost); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n == sent || n2 != 1 || lost != sent-n {
		t.Errorf("read %d, then %d, lost %d of %d+1 records; want the ring full, then one more, the rest lost", n, n2, lost, sent)
	}
}

func TestReaderOnWrongMap(t *testing.T) {
	rt, _ := loadFilter(t, filterScript("m = bpf.map('hash', 4)", "return 0"))
	err := rt.L.DoString(`m:reader(nil, 0)`)
	if err == nil || !strings.Contains(err.Error(), "map:reader reads perf_event_array and ringbuf maps; this is a hash map") {
		t.Errorf("got %v", err)
	}
}

// closeEventScript sends {fd, pid_tgid} for every close(2) the thread
// tid makes on an fd from closeBase up, through the events map made
// from mapArgs; counts[0] counts the sends that failed.
const closeEventScript = `local ffi = require('ffi')
local bpf = require('bpf')
events = bpf.map(%s)
counts = bpf.map('array', 1, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
event_t = 'struct { uint64_t fd; uint64_t id; }'
bpf.tracepoint('syscalls/sys_enter_close', function (arg)
	local id = pid_tgid()
	if bit.band(id, 0xffffffff) == %d and arg.fd >= %d then
		local e = ffi.new('struct { uint64_t fd; uint64_t id; }')
		e.fd = arg.fd
		e.id = id
		if perf_submit(events, e) ~= 0 then xadd(counts[0], 1) end
	end
end)
reader = events:reader(%s, event_t)
`

// closeBase is above any fd the test process has open: closing it and
// the fds above fails, but the tracepoint sees the call.
const closeBase = 1 << 20

// closer is a thread that closes fds from closeBase on command, n of
// them at rate per second.
type closer struct {
	tid  int
	cmd  chan [2]int
	done chan struct{}
}

// close closes n fds at rate per second (0: at once) and returns when
// it is done.
func (c *closer) close(n, rate int) {
	c.cmd <- [2]int{n, rate}
	<-c.done
}

func startCloser(t *testing.T) *closer {
	c := &closer{cmd: make(chan [2]int), done: make(chan struct{})}
	tid := make(chan int)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		for cmd := range c.cmd {
			n, rate := cmd[0], cmd[1]
			start := time.Now()
			for i := 0; i < n; {
				if rate > 0 && float64(i) >= time.Since(start).Seconds()*float64(rate) {
					time.Sleep(100 * time.Microsecond)
					continue
				}
				unix.Close(closeBase + i)
				i++
			}
			c.done <- struct{}{}
		}
	}()
	c.tid = <-tid
	t.Cleanup(func() { close(c.cmd) })
	return c
}

// readerKinds are the readers the event tests read through: a perf
// event array read on every CPU as the original's scripts ask for it
// (nil, nil) and as they ask for one CPU (nil, 0, which luabpf reads on
// every CPU too), and a ring buffer.
var readerKinds = []struct{ name, mapArgs, readerArgs string }{
	{"perf-all-cpus", "'perf_event_array'", "nil, nil"},
	{"perf-cpu0", "'perf_event_array'", "nil, 0"},
	{"ringbuf", "'ringbuf', 64 * 1024", "nil, nil"},
}

// TestReaderLoneEventIsPrompt sends one record and waits for it: the
// perf reader asks the kernel to wake it only once a ring is a quarter
// full, so a lone record must still arrive within the reader's bounded
// wait: through r:block(1) long before the second is up, and through
// r:read() without waiting at all.
func TestReaderLoneEventIsPrompt(t *testing.T) {
	for _, rk := range readerKinds {
		t.Run(rk.name, func(t *testing.T) {
			c := startCloser(t)
			rt := runScript(t, fmt.Sprintf(closeEventScript, rk.mapArgs, c.tid, closeBase, rk.readerArgs))
			// read: the record is there as soon as close returns.
			c.close(1, 0)
			got := eval(t, rt, `local out = {}
				for i = 1, 1000 do
					for _, e in reader:read() do out[#out+1] = tonumber(e.fd) end
					if #out > 0 then break end
				end
				return table.concat(out, ' ')`)
			if got != fmt.Sprint(closeBase) {
				t.Errorf("r:read() after one close read %q, want %d", got, closeBase)
			}
			// block: the wait ends with the record well before any
			// timeout would.
			for try := 0; try < 3; try++ {
				sent := make(chan struct{})
				go func() {
					defer close(sent)
					time.Sleep(20 * time.Millisecond)
					c.close(1, 0)
				}()
				start := time.Now()
				got = eval(t, rt, `assert(reader:block(1), 'no record within a second')
					local out = {}
					for _, e in reader:read() do out[#out+1] = tonumber(e.fd) end
					return table.concat(out, ' ') .. ' lost=' .. reader.lost`)
				took := time.Since(start)
				<-sent
				if want := fmt.Sprintf("%d lost=0", closeBase); got != want {
					t.Fatalf("block, then read: %q, want %q", got, want)
				}
				if took > 500*time.Millisecond {
					t.Errorf("a lone record took %v to reach r:block (sent after 20 ms)", took)
				}
			}
		})
	}
}

// TestReaderBurstIsExact sends 5,000 records at 10,000 a second while
// the script reads them: every payload arrives once, nothing is lost.
func TestReaderBurstIsExact(t *testing.T) {
	const n, rate = 5000, 10000
	for _, rk := range readerKinds {
		t.Run(rk.name, func(t *testing.T) {
			c := startCloser(t)
			rt := runScript(t, fmt.Sprintf(closeEventScript, rk.mapArgs, c.tid, closeBase, rk.readerArgs))
			go c.close(n, rate)
			got := eval(t, rt, fmt.Sprintf(`local seen, n, bad = {}, 0, 0
				local id = %d
				while n < %d and reader:block(2) do
					for _, e in reader:read() do
						local fd = tonumber(e.fd) - %d
						if seen[fd] or bit.band(tonumber(e.id), 0xffffffff) ~= id then bad = bad + 1 end
						seen[fd] = true
						n = n + 1
					end
				end
				local missing = 0
				for i = 0, %d - 1 do if not seen[i] then missing = missing + 1 end end
				return string.format('read=%%d missing=%%d bad=%%d lost=%%d failed=%%d', n, missing, bad, reader.lost, tonumber(counts[0]))`,
				c.tid, n, closeBase, n))
			if want := fmt.Sprintf("read=%d missing=0 bad=0 lost=0 failed=0", n); got != want {
				t.Errorf("got %s\nwant %s", got, want)
			}
		})
	}
}
