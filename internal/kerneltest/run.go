package kerneltest

import (
	"testing"
	"time"

	"github.com/cilium/ebpf"
)

// RunOptions are the optional settings of [RunSocketFilter]; nil means
// defaults.
type RunOptions struct {
	// IngressIfindex sets skb->ingress_ifindex, which is 0 otherwise, by
	// passing a __sk_buff context (ctx_in) to the test run. Filters on a
	// packet socket see the receiving interface there for incoming
	// packets and 0 for outgoing ones (the seed examples skip those).
	IngressIfindex uint32
	// Repeat runs the program this many times (0 means once) and makes
	// the returned duration an average over the runs.
	Repeat uint32
}

// skBuff is the start of struct __sk_buff (include/uapi/linux/bpf.h) up to
// ingress_ifindex. The kernel zero-fills a shorter ctx_in and requires
// every field but mark, priority, ingress_ifindex, ifindex, cb, tstamp,
// wire_len, gso_segs, gso_size and hwtstamp to be zero.
type skBuff struct {
	Len            uint32
	PktType        uint32
	Mark           uint32
	QueueMapping   uint32
	Protocol       uint32
	VLANPresent    uint32
	VLANTCI        uint32
	VLANProto      uint32
	Priority       uint32
	IngressIfindex uint32
}

// RunSocketFilter runs prog, a socket filter, once (or opts.Repeat times)
// on frame with BPF_PROG_TEST_RUN, as if prog were attached to an AF_PACKET
// socket that received frame, and returns the program's return value and
// the time one run took. It fails the test on error, and skips on a kernel
// without test runs for socket filters (see [RequireFeature]).
//
// The test run strips a 14-byte Ethernet header before the program runs,
// which a packet socket does not; RunSocketFilter therefore passes
// [SocketFilterData](frame), so the program's LD_ABS offset 0 is frame[0]
// and skb->len is len(frame). See the package documentation for what else
// the program sees.
//
// The duration is the kernel's average per run when opts.IngressIfindex is
// 0. With a context, cilium/ebpf does not return the kernel's figure, and
// the duration is the wall-clock time of the whole call divided by the
// number of runs: it includes one system call and the skb setup, so use a
// Repeat in the thousands when measuring.
func RunSocketFilter(tb testing.TB, prog *ebpf.Program, frame []byte, opts *RunOptions) (uint32, time.Duration) {
	tb.Helper()
	if opts == nil {
		opts = &RunOptions{}
	}
	data := SocketFilterData(frame)
	if opts.IngressIfindex == 0 {
		ret, perRun, err := prog.Benchmark(data, int(opts.Repeat), nil)
		if err != nil {
			RequireFeature(tb, err)
		}
		return ret, perRun
	}
	start := time.Now()
	ret, err := prog.Run(&ebpf.RunOptions{
		Data:    data,
		Context: skBuff{IngressIfindex: opts.IngressIfindex},
		Repeat:  opts.Repeat,
	})
	elapsed := time.Since(start)
	if err != nil {
		RequireFeature(tb, err)
	}
	return ret, elapsed / time.Duration(max(opts.Repeat, 1))
}

// SocketFilterData returns frame behind a dummy 14-byte Ethernet header
// (zero addresses, the frame's own ethertype from bytes 12-13, or 0 for a
// frame shorter than 14 bytes). BPF_PROG_TEST_RUN strips that header for
// socket filters, so the program sees frame from its first byte, as a
// filter on a packet socket does.
func SocketFilterData(frame []byte) []byte {
	data := make([]byte, 14, 14+len(frame))
	if len(frame) >= 14 {
		copy(data[12:], frame[12:14])
	}
	return append(data, frame...)
}

// RunPacket runs prog, an XDP or TC (sched_cls) program, once on frame
// with BPF_PROG_TEST_RUN and returns the program's return value and the
// frame as the program left it. Both program types see frame from its
// first byte, the Ethernet header. The kernel refuses frames shorter
// than 14 bytes. It fails the test on error, and skips on a kernel
// without test runs for the program's type (see [RequireFeature]).
func RunPacket(tb testing.TB, prog *ebpf.Program, frame []byte) (uint32, []byte) {
	tb.Helper()
	out := make([]byte, len(frame)+256)
	opts := &ebpf.RunOptions{Data: frame, DataOut: out}
	ret, err := prog.Run(opts)
	if err != nil {
		RequireFeature(tb, err)
	}
	return ret, opts.DataOut
}

// BenchmarkPacket runs prog, an XDP or TC program, repeat times on frame
// and returns its return value and the kernel's average time per run.
func BenchmarkPacket(tb testing.TB, prog *ebpf.Program, frame []byte, repeat int) (uint32, time.Duration) {
	tb.Helper()
	ret, perRun, err := prog.Benchmark(frame, repeat, nil)
	if err != nil {
		RequireFeature(tb, err)
	}
	return ret, perRun
}
