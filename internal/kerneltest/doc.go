// Package kerneltest holds helpers for tests that need root and BPF: the
// kernel tests of the other packages (files named *_kernel_test.go) load
// programs into the real verifier, run them with BPF_PROG_TEST_RUN and
// attach tracepoints and uprobes.
//
// A kernel test begins with [Require]. Without root or BPF it skips, but
// when the environment variable LUABPF_REQUIRE_KERNEL=1 is set (as CI does)
// it fails instead, so a machine that should run kernel tests cannot pass
// by skipping them. [RequireFeature] does the same for one kernel feature:
// it skips only when the kernel really lacks it.
//
// A package with kernel tests uses [Main] as its TestMain:
//
//	func TestMain(m *testing.M) { kerneltest.Main(m) }
//
// Main fails the run when the tests leak file descriptors of BPF objects,
// perf events or packet sockets, or leave probe events in tracefs.
//
// A test that watches lo, where the whole machine's local traffic passes,
// runs in a private network namespace of its own ([NewNetns]): there lo
// carries only what the test sends.
//
// # Probe event names
//
// Tracefs probe events (kprobe_events, uprobe_events) outlive the process
// that created them, so luabpf names every event it creates with the prefix
// "luabpf_" ([EventPrefix]). With cilium/ebpf that means setting
// TraceFSPrefix in link.KprobeOptions and link.UprobeOptions to "luabpf",
// which makes groups "luabpf_<random hex>", or better to
// "luabpf_<pid>" (groups "luabpf_<pid>_<random hex>"), which tells the
// events of concurrently running processes apart. Main reports events with
// the prefix that appear during the run, except those whose group carries
// another process's pid. cilium/ebpf creates tracefs events only when the
// kernel lacks the perf PMU for the probe type; otherwise there is nothing
// in tracefs to leak.
//
// # Socket filters under BPF_PROG_TEST_RUN
//
// [RunSocketFilter] runs a socket filter as if it were attached to an
// AF_PACKET socket. Found by experiment on Linux 6.18 (and asserted by this
// package's tests):
//   - The kernel's test run treats the input as an Ethernet frame and pulls
//     its 14-byte MAC header before the program runs (eth_type_trans), so a
//     plain run makes LD_ABS offset 0 read the frame's byte 14 and skb->len
//     count 14 bytes less. RunSocketFilter prepends a dummy header (zero
//     MAC addresses, the frame's own ethertype); then LD_ABS offset 0 reads
//     the frame's first byte and skb->len equals len(frame), as on a packet
//     socket.
//   - skb->protocol is the frame's ethertype and skb->pkt_type is
//     PACKET_HOST (the dummy destination matches the loopback device's
//     all-zero address); skb->ifindex is 1 (loopback).
//   - skb->ingress_ifindex is 0 unless the run passes a __sk_buff context
//     (ctx_in), which the kernel accepts for socket filters and copies into
//     the skb ([RunOptions].IngressIfindex).
//   - An 802.1Q tag stays in the data where the frame has it; a real NIC or
//     packet socket usually strips it into skb->vlan_tci first.
package kerneltest
