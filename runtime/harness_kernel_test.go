package runtime

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"github.com/luabpf/luabpf/internal/source"
)

// Helpers shared by the kernel tests of compiled socket filters: they
// compile a script, load its global `prog` and run it on crafted frames
// with BPF_PROG_TEST_RUN (see internal/kerneltest).

// loadFilter runs script and loads its global `prog` as a socket filter,
// so a test can run it on several frames. A compile or load failure fails
// the test with the error and, for a load failure, the disassembly.
func loadFilter(t *testing.T, script string) (*Runtime, *ebpf.Program) {
	t.Helper()
	kerneltest.Require(t)
	rt := New(nil)
	t.Cleanup(func() { rt.Close() })
	if err := rt.RunString(context.Background(), "test.lua", script, nil); err != nil {
		t.Fatalf("script: %s", source.Detail(err))
	}
	p, err := rt.Program("prog")
	if err != nil {
		t.Fatal(err)
	}
	ep, err := p.Load(ebpf.SocketFilter)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, p.Dump())
	}
	return rt, ep
}

// run runs a loaded filter on frame.
func run(t *testing.T, prog *ebpf.Program, frame []byte, opts *kerneltest.RunOptions) uint32 {
	t.Helper()
	ret, _ := kerneltest.RunSocketFilter(t, prog, frame, opts)
	return ret
}

// filterScript wraps body as the kernel function of a script: prelude
// (userspace code, e.g. maps) first, then `prog = bpf(function (skb) ...
// end)`. The kernel function starts on line prelude's lines + 2.
func filterScript(prelude, body string) string {
	return "local ffi = require('ffi')\nlocal bpf = require('bpf')\n" + prelude +
		"\nprog = bpf(function (skb)\n" + body + "\nend)\n"
}

// retCase is a kernel function body and the value it must return.
type retCase struct {
	name  string
	body  string
	want  uint32
	frame []byte // nil: the test's default frame
	opts  *kerneltest.RunOptions
}

// runRetCases runs each case as a subtest: body compiled with prelude,
// run on its frame (or frame), checked against want.
func runRetCases(t *testing.T, prelude string, frame []byte, cases []retCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.frame
			if f == nil {
				f = frame
			}
			_, prog := loadFilter(t, filterScript(prelude, tc.body))
			if got := run(t, prog, f, tc.opts); got != tc.want {
				t.Errorf("returned %d (%#x), want %d (%#x)\nkernel function:\n%s", got, got, tc.want, tc.want, tc.body)
			}
		})
	}
}

// mapGet reads m[key] from userspace through the script's own map API
// (tonumber of the cdata it returns; "nil" when missing).
func mapGet(t *testing.T, rt *Runtime, m string, key any) string {
	t.Helper()
	return eval(t, rt, fmt.Sprintf("local v = %s[%v]; if v == nil then return nil end; return tonumber(v)", m, key))
}

// wantMap checks map entries as mapGet reads them.
func wantMap(t *testing.T, rt *Runtime, m string, want map[any]string) {
	t.Helper()
	for k, w := range want {
		if got := mapGet(t, rt, m, k); got != w {
			t.Errorf("%s[%v] = %s, want %s", m, k, got, w)
		}
	}
}

// Addresses used by the frames below.
var (
	ip4a = netip.MustParseAddr("10.0.0.1")
	ip4b = netip.MustParseAddr("192.168.1.20")
	ip6a = netip.MustParseAddr("2001:db8::1")
	ip6b = netip.MustParseAddr("fe80::abcd")
)

// Frames for the dissector tests, built once.
var (
	frameUDP4 = packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP, TTL: 17, TOS: 0x10, ID: 0x4242, Flags: packet.IPv4DontFragment}).
			UDP(1234, packet.PortDNS).
			Payload(packet.DNSQuery("example.com", packet.DNSTypeAAAA)).Bytes()
	frameTCP4 = packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoTCP}).
			TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Seq: 0x01020304, Ack: 0x0a0b0c0d,
			Flags: packet.TCPSyn | packet.TCPAck, Window: 512, Urgent: 7, Options: []byte{2, 4, 0x05, 0xb4}}).
		Payload(packet.HTTPRequest("GET", "/index.html")).Bytes()
	frameICMP4 = packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoICMP}).
			ICMPEcho(packet.ICMPEchoRequest, 0x77, 3).
			Payload([]byte("abc")).Bytes()
	// IHL 7: 8 bytes of options (router alert, padded).
	frameOpts4 = packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP, Flags: packet.IPv4MoreFragments, FragOff: 0x123,
			Options: []byte{0x94, 4, 0, 0, 1, 1}}).
		UDP(5000, 6000).Payload([]byte("xyz")).Bytes()
	frameUDP6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoUDP, HopLimit: 9, TrafficClass: 0xb8, FlowLabel: 0x12345}).
			UDP(5353, 53).Payload([]byte("hello")).Bytes()
	// A 16-byte hop-by-hop header (ext_len 1) before UDP.
	frameHop6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoHopOpts}).
			IPv6Opts(packet.ProtoUDP, 16).
			UDP(7000, 8000).Payload([]byte("hello")).Bytes()
	// Hop-by-hop (8 bytes) then destination options (24 bytes) then TCP.
	frameTwoOpts6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoHopOpts}).
			IPv6Opts(packet.ProtoDstOpts, 8).
			IPv6Opts(packet.ProtoTCP, 24).
			TCP(packet.TCP{Src: 1111, Dst: 2222, Flags: packet.TCPFin}).
			Payload([]byte("Z")).Bytes()
	frameHopICMP6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoHopOpts}).
			IPv6Opts(packet.ProtoICMPv6, 8).
			ICMPv6Echo(packet.ICMPv6EchoRequest, 7, 1).Payload([]byte("ping")).Bytes()
	frameTCP6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoTCP}).
			TCP(packet.TCP{Src: 443, Dst: 50000, Flags: packet.TCPRst, Options: []byte{1, 1, 1, 1, 1, 1, 1, 1}}).
			Payload([]byte("Q")).Bytes()
	frameICMP6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoICMPv6}).
			ICMPv6Echo(packet.ICMPv6EchoReply, 7, 1).Payload([]byte("ping")).Bytes()
	frameData6 = packet.Ethernet(packet.EthIPv6).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoNone}).
			Payload([]byte("raw!")).Bytes()
	frameVLAN = packet.New().
			Eth(packet.Eth{Dst: packet.DefaultDst, Src: packet.DefaultSrc, Type: packet.EthVLAN}).
			VLAN(packet.VLAN{Pri: 5, CFI: true, VID: 100, Type: packet.EthIPv4}).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).
			UDP(1234, 53).Payload([]byte("v")).Bytes()
	frameQinQ = packet.New().
			Eth(packet.Eth{Dst: packet.DefaultDst, Src: packet.DefaultSrc, Type: packet.EthVLAN}).
			VLAN(packet.VLAN{Pri: 1, VID: 0xabc, Type: packet.EthVLAN}).
			VLAN(packet.VLAN{Pri: 7, VID: 42, Type: packet.EthIPv6}).
			IPv6(packet.IPv6{Src: ip6a, Dst: ip6b, NextHeader: packet.ProtoUDP}).
			UDP(9, 10).Payload([]byte("q")).Bytes()
	frameVLANARP = packet.New().
			Eth(packet.Eth{Dst: packet.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Src: packet.DefaultSrc, Type: packet.EthVLAN}).
			VLAN(packet.VLAN{Pri: 2, VID: 7, Type: packet.EthARP}).
			ARP(packet.ARPRequest(packet.DefaultSrc, ip4a, ip4b)).Bytes()
	frameARP = packet.New().
			Eth(packet.Eth{Dst: packet.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Src: packet.MAC{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, Type: packet.EthARP}).
			ARP(packet.ARP{Op: 2, SenderMAC: packet.MAC{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, SenderIP: ip4a,
			TargetMAC: packet.MAC{0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}, TargetIP: ip4b}).Bytes()
	frameVXLAN = packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).
			UDP(49152, packet.PortVXLAN).
			VXLAN(0xabcdef).
			Eth(packet.Eth{Dst: packet.MAC{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}, Src: packet.MAC{0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbc}, Type: packet.EthIPv4}).
			IPv4(packet.IPv4{Src: netip.MustParseAddr("192.168.0.1"), Dst: netip.MustParseAddr("192.168.0.2"), Proto: packet.ProtoICMP, TTL: 3}).
			ICMPEcho(packet.ICMPEchoRequest, 0x77, 3).
			Payload([]byte("abc")).Bytes()
)

// errorOf runs script and returns its compile error, failing the test
// when there is none. It needs no kernel: bpf(fn) compiles without
// loading.
func errorOf(t *testing.T, script string) error {
	t.Helper()
	rt := New(nil)
	defer rt.Close()
	err := rt.RunString(context.Background(), "test.lua", script, nil)
	if err == nil {
		t.Fatalf("script compiled, want an error:\n%s", numbered(script))
	}
	return err
}

// numbered prefixes each line of s with its number, for failure messages.
func numbered(s string) string {
	var b strings.Builder
	for i, l := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

// packetTCPWithIPOptions is an IPv4 frame with IHL 6 (4 bytes of
// options) carrying an HTTP POST.
func packetTCPWithIPOptions() []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoTCP, Options: []byte{0x94, 4}}).
		TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Flags: packet.TCPPsh | packet.TCPAck}).
		Payload(packet.HTTPRequest("POST", "/form")).Bytes()
}
