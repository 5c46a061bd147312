package runtime

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

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
