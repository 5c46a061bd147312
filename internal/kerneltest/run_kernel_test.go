package kerneltest

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/packet"
)

// __sk_buff field offsets read by the test programs.
const (
	skbLen            = 0
	skbPktType        = 4
	skbProtocol       = 16
	skbIngressIfindex = 36
	skbIfindex        = 40
)

// loadFilter loads a socket filter that starts with R6 = ctx, which LD_ABS
// needs, followed by insns.
func loadFilter(tb testing.TB, insns ...asm.Instruction) *ebpf.Program {
	tb.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.SocketFilter,
		License:      "GPL",
		Instructions: append(asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)}, insns...),
	})
	if err != nil {
		tb.Fatalf("load socket filter: %v", err)
	}
	tb.Cleanup(func() { prog.Close() })
	return prog
}

// loadAbs returns a filter that returns the packet byte (or big-endian
// half-word) at offset.
func loadAbs(tb testing.TB, offset int32, size asm.Size) *ebpf.Program {
	return loadFilter(tb, asm.LoadAbs(offset, size), asm.Return())
}

// loadSkb returns a filter that returns the 32-bit __sk_buff field at
// offset.
func loadSkb(tb testing.TB, offset int16) *ebpf.Program {
	return loadFilter(tb, asm.LoadMem(asm.R0, asm.R6, offset, asm.Word), asm.Return())
}

var (
	ip1 = netip.MustParseAddr("10.1.1.1")
	ip2 = netip.MustParseAddr("10.2.2.2")
)

func udpFrame() []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Proto: packet.ProtoUDP, Src: ip1, Dst: ip2}).
		UDP(40000, packet.PortDNS).
		Payload(packet.DNSQuery("example.com", packet.DNSTypeAAAA)).Bytes()
}

func tcpFrame() []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Proto: packet.ProtoTCP, Src: ip1, Dst: ip2}).
		TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Flags: packet.TCPPsh | packet.TCPAck}).
		Payload(packet.HTTPRequest("GET", "/")).Bytes()
}

// With the dummy header, LD_ABS offsets count from the frame's first byte;
// a plain test run counts from byte 14, after the stripped MAC header.
func TestLoadAbsBase(t *testing.T) {
	Require(t)
	frame := udpFrame()
	for _, off := range []int32{0, 5, 6, 12, 13, 14, 23, int32(len(frame) - 1)} {
		got, _ := RunSocketFilter(t, loadAbs(t, off, asm.Byte), frame, nil)
		if want := uint32(frame[off]); got != want {
			t.Errorf("LD_ABS byte [%d] = %#x, want frame[%d] = %#x", off, got, off, want)
		}
	}
	plain, err := loadAbs(t, 0, asm.Byte).Run(&ebpf.RunOptions{Data: frame})
	if err != nil {
		t.Fatal(err)
	}
	if want := uint32(frame[packet.EthHdrLen]); plain != want {
		t.Errorf("plain test run: LD_ABS [0] = %#x, want frame[14] = %#x", plain, want)
	}
	// Past the end, LD_ABS ends the program with return value 0.
	if got, _ := RunSocketFilter(t, loadAbs(t, int32(len(frame)), asm.Byte), frame, nil); got != 0 {
		t.Errorf("LD_ABS past the end returned %d", got)
	}
}

func TestIPProto(t *testing.T) {
	Require(t)
	proto := loadAbs(t, packet.EthHdrLen+packet.IPv4ProtoOffset, asm.Byte)
	icmp := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Proto: packet.ProtoICMP, Src: ip1, Dst: ip2}).
		ICMPEcho(packet.ICMPEchoRequest, 1, 1).Bytes()
	for name, tc := range map[string]struct {
		frame []byte
		want  uint32
	}{
		"udp":  {udpFrame(), packet.ProtoUDP},
		"tcp":  {tcpFrame(), packet.ProtoTCP},
		"icmp": {icmp, packet.ProtoICMP},
	} {
		if got, _ := RunSocketFilter(t, proto, tc.frame, nil); got != tc.want {
			t.Errorf("%s: ip proto %d, want %d", name, got, tc.want)
		}
	}
}

// skb->len is the frame's length, MAC header included, as on a packet
// socket; a plain test run reports 14 bytes less.
func TestSkbLen(t *testing.T) {
	Require(t)
	prog := loadSkb(t, skbLen)
	for _, frame := range [][]byte{udpFrame(), tcpFrame(), packet.Ethernet(packet.EthARP).Bytes()} {
		if got, _ := RunSocketFilter(t, prog, frame, nil); got != uint32(len(frame)) {
			t.Errorf("skb->len %d for a %d-byte frame", got, len(frame))
		}
		plain, err := prog.Run(&ebpf.RunOptions{Data: frame})
		if err != nil {
			t.Fatal(err)
		}
		if plain != uint32(len(frame)-packet.EthHdrLen) {
			t.Errorf("plain test run: skb->len %d for a %d-byte frame", plain, len(frame))
		}
	}
}

func TestSkbFields(t *testing.T) {
	Require(t)
	frame := udpFrame()
	tests := []struct {
		name   string
		offset int16
		opts   *RunOptions
		want   uint32
	}{
		{"ingress_ifindex without context", skbIngressIfindex, nil, 0},
		{"ingress_ifindex from context", skbIngressIfindex, &RunOptions{IngressIfindex: 7}, 7},
		{"ingress_ifindex repeated", skbIngressIfindex, &RunOptions{IngressIfindex: 3, Repeat: 100}, 3},
		{"ifindex is loopback", skbIfindex, nil, 1},
		{"ifindex with context", skbIfindex, &RunOptions{IngressIfindex: 7}, 1},
		{"pkt_type is PACKET_HOST", skbPktType, nil, 0},
		// __sk_buff.protocol holds the ethertype in network byte order.
		{"protocol", skbProtocol, nil, uint32(binary.NativeEndian.Uint16([]byte{0x08, 0x00}))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := RunSocketFilter(t, loadSkb(t, tc.offset), frame, tc.opts); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// An 802.1Q tag stays where the frame has it.
func TestVLANInline(t *testing.T) {
	Require(t)
	frame := packet.Ethernet(packet.EthVLAN).
		VLAN(packet.VLAN{Pri: 3, VID: 42, Type: packet.EthIPv4}).
		IPv4(packet.IPv4{Proto: packet.ProtoTCP}).Bytes()
	for _, tc := range []struct {
		offset int32
		size   asm.Size
		want   uint32
	}{
		{12, asm.Half, packet.EthVLAN},
		{14, asm.Half, 3<<13 | 42},
		{16, asm.Half, packet.EthIPv4},
		{packet.EthHdrLen + packet.VLANHdrLen + packet.IPv4ProtoOffset, asm.Byte, packet.ProtoTCP},
	} {
		if got, _ := RunSocketFilter(t, loadAbs(t, tc.offset, tc.size), frame, nil); got != tc.want {
			t.Errorf("LD_ABS [%d] = %#x, want %#x", tc.offset, got, tc.want)
		}
	}
}

func TestIPv6AndVXLAN(t *testing.T) {
	Require(t)
	v6 := packet.Ethernet(packet.EthIPv6).
		IPv6(packet.IPv6{Src: netip.MustParseAddr("2001:db8::1"), Dst: netip.MustParseAddr("2001:db8::2"), NextHeader: packet.ProtoHopOpts}).
		IPv6Opts(packet.ProtoUDP, 16).
		UDP(1, 2).Bytes()
	next := packet.EthHdrLen + packet.IPv6NextHeaderOffset
	if got, _ := RunSocketFilter(t, loadAbs(t, int32(next), asm.Byte), v6, nil); got != packet.ProtoHopOpts {
		t.Errorf("IPv6 next header %d", got)
	}
	if got, _ := RunSocketFilter(t, loadAbs(t, packet.EthHdrLen+packet.IPv6HdrLen, asm.Byte), v6, nil); got != packet.ProtoUDP {
		t.Errorf("hop-by-hop next header %d", got)
	}
	vx := packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Proto: packet.ProtoUDP, Src: ip1, Dst: ip2}).
		UDP(50000, packet.PortVXLAN).
		VXLAN(77).
		Eth(packet.Eth{Type: packet.EthIPv4}).
		IPv4(packet.IPv4{Proto: packet.ProtoICMP}).
		ICMPEcho(packet.ICMPEchoRequest, 1, 2).Bytes()
	inner := packet.EthHdrLen + packet.IPv4HdrLen + packet.UDPHdrLen + packet.VXLANHdrLen
	if got, _ := RunSocketFilter(t, loadAbs(t, int32(inner+packet.EthHdrLen+packet.IPv4ProtoOffset), asm.Byte), vx, nil); got != packet.ProtoICMP {
		t.Errorf("inner ip proto %d", got)
	}
}

func TestSocketFilterData(t *testing.T) {
	frame := udpFrame()
	data := SocketFilterData(frame)
	if len(data) != len(frame)+packet.EthHdrLen || data[12] != 0x08 || data[13] != 0x00 || string(data[14:]) != string(frame) {
		t.Errorf("SocketFilterData = %x", data)
	}
	if got := SocketFilterData([]byte{1, 2, 3}); len(got) != 17 || got[12] != 0 || got[13] != 0 {
		t.Errorf("short frame: %x", got)
	}
}

func BenchmarkRunSocketFilter(b *testing.B) {
	Require(b)
	prog := loadAbs(b, packet.EthHdrLen+packet.IPv4ProtoOffset, asm.Byte)
	frame := udpFrame()
	for _, tc := range []struct {
		name string
		opts *RunOptions
	}{
		{"kernel-timed", &RunOptions{Repeat: 10000}},
		{"wall-clock", &RunOptions{Repeat: 10000, IngressIfindex: 1}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total float64
			for b.Loop() {
				_, d := RunSocketFilter(b, prog, frame, tc.opts)
				total += float64(d.Nanoseconds())
			}
			b.ReportMetric(total/float64(b.N), "ns/run")
		})
	}
}
