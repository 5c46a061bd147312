package packet

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

var (
	v4a = netip.MustParseAddr("10.0.0.1")
	v4b = netip.MustParseAddr("10.0.0.2")
)

// unhex decodes hex written with spaces between fields.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The expected frames were computed by an independent script (struct
// packing and RFC 1071 sums written separately), one header per line.
func TestFrames(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{{
		name: "udp dns query",
		got: Ethernet(EthIPv4).
			IPv4(IPv4{Src: v4a, Dst: v4b, Proto: ProtoUDP, ID: 0x4242, Flags: IPv4DontFragment}).
			UDP(1234, PortDNS).
			Payload(DNSQuery("example.com", DNSTypeAAAA)).Bytes(),
		want: `020000000002 020000000001 0800
			45 00 0039 4242 4000 40 11 e46f 0a000001 0a000002
			04d2 0035 0025 e9f8
			1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 001c 0001`,
	}, {
		name: "tcp with ip and tcp options",
		got: Ethernet(EthIPv4).
			IPv4(IPv4{
				Src: netip.MustParseAddr("192.168.1.10"), Dst: netip.MustParseAddr("192.168.1.20"),
				Proto: ProtoTCP, TTL: 17, TOS: 0x10, Options: []byte{0x94, 4}, // router alert, padded
			}).
			TCP(TCP{Src: 40000, Dst: PortHTTP, Seq: 1, Ack: 2, Flags: TCPPsh | TCPAck, Window: 512,
				Options: []byte{2, 4, 0x05, 0xb4}}). // MSS 1460
			Payload(HTTPRequest("GET", "/index.html")).Bytes(),
		want: `020000000002 020000000001 0800
			46 10 005d 0000 0000 11 06 9118 c0a8010a c0a80114 94040000
			9c40 0050 00000001 00000002 60 18 0200 9763 0000 020405b4
			474554202f696e6465782e68746d6c20485454502f312e310d0a486f73743a206c6f63616c686f73740d0a0d0a`,
	}, {
		name: "ipv6 hop-by-hop udp",
		got: Ethernet(EthIPv6).
			IPv6(IPv6{Src: netip.MustParseAddr("fe80::1"), Dst: netip.MustParseAddr("ff02::fb"),
				NextHeader: ProtoHopOpts, HopLimit: 255, TrafficClass: 0xb8, FlowLabel: 0x12345}).
			IPv6Opts(ProtoUDP, 8).
			UDP(5353, 5353).
			Payload([]byte("hi")).Bytes(),
		want: `020000000002 020000000001 86dd
			6b812345 0012 00 ff fe800000000000000000000000000001 ff0200000000000000000000000000fb
			11 00 0104 00000000
			14e9 14e9 000a 6f1f 6869`,
	}, {
		name: "icmpv6 echo",
		got: Ethernet(EthIPv6).
			IPv6(IPv6{Src: netip.MustParseAddr("2001:db8::1"), Dst: netip.MustParseAddr("2001:db8::2"), NextHeader: ProtoICMPv6}).
			ICMPv6Echo(ICMPv6EchoRequest, 7, 1).
			Payload([]byte("ping")).Bytes(),
		want: `020000000002 020000000001 86dd
			60000000 000c 3a 40 20010db8000000000000000000000001 20010db8000000000000000000000002
			80 00 456b 0007 0001 70696e67`,
	}, {
		name: "vlan arp request",
		got: New().
			Eth(Eth{Dst: MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Src: DefaultSrc, Type: EthVLAN}).
			VLAN(VLAN{Pri: 5, CFI: true, VID: 100, Type: EthARP}).
			ARP(ARPRequest(DefaultSrc, v4a, v4b)).Bytes(),
		want: `ffffffffffff 020000000001 8100
			b064 0806
			0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002`,
	}, {
		name: "vxlan inner icmp echo",
		got: Ethernet(EthIPv4).
			IPv4(IPv4{Src: netip.MustParseAddr("172.16.0.1"), Dst: netip.MustParseAddr("172.16.0.2"), Proto: ProtoUDP}).
			UDP(49152, PortVXLAN).
			VXLAN(0xabcdef).
			Eth(Eth{Dst: MAC{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}, Src: MAC{0xbb, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb}, Type: EthIPv4}).
			IPv4(IPv4{Src: netip.MustParseAddr("192.168.0.1"), Dst: netip.MustParseAddr("192.168.0.2"), Proto: ProtoICMP}).
			ICMPEcho(ICMPEchoRequest, 0x77, 3).
			Payload([]byte("abc")).Bytes(),
		want: `020000000002 020000000001 0800
			45 00 0051 0000 0000 40 11 2279 ac100001 ac100002
			c000 12b5 003d f698
			08000000 abcdef00
			aaaaaaaaaaaa bbbbbbbbbbbb 0800
			45 00 001f 0000 0000 40 01 f98a c0a80001 c0a80002
			08 00 3323 0077 0003 616263`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if want := unhex(t, tc.want); !bytes.Equal(tc.got, want) {
				t.Errorf("got\n%x\nwant\n%x", tc.got, want)
			}
		})
	}
}

// The example header from RFC 1071's usual illustration (and Wikipedia's
// "IPv4 header checksum" article): checksum b861.
func TestIPv4ChecksumKnown(t *testing.T) {
	got := New().IPv4(IPv4{
		Src: netip.MustParseAddr("192.168.0.1"), Dst: netip.MustParseAddr("192.168.0.199"),
		Proto: ProtoUDP, Flags: IPv4DontFragment,
	}).Payload(make([]byte, 0x73-IPv4HdrLen)).Bytes()
	want := unhex(t, "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")
	if !bytes.Equal(got[:IPv4HdrLen], want) {
		t.Errorf("got %x, want %x", got[:IPv4HdrLen], want)
	}
}

func TestChecksumsVerify(t *testing.T) {
	b := Ethernet(EthIPv4).
		IPv4(IPv4{Src: v4a, Dst: v4b, Proto: ProtoUDP, ID: 99, Flags: IPv4MoreFragments, FragOff: 3, Options: []byte{1, 1, 1, 1, 1}}).
		UDP(1, 2).Payload([]byte{1, 2, 3})
	frame := b.Bytes()
	ip := frame[EthHdrLen:]
	ihl := int(ip[0]&0xf) * 4
	if ihl != 28 {
		t.Fatalf("IHL %d bytes, want 28 (5 option bytes padded to 8)", ihl)
	}
	if c := Checksum(ip[:ihl]); c != 0 {
		t.Errorf("IPv4 header does not verify: sum %#x", c)
	}
	if frag := uint16(ip[6])<<8 | uint16(ip[7]); frag != 0x2003 {
		t.Errorf("flags and fragment offset %#04x, want 0x2003", frag)
	}
	// UDP over its pseudo-header sums to zero as well.
	udp := ip[ihl:]
	pseudo := append(append(append([]byte{}, ip[IPv4SrcOffset:IPv4SrcOffset+8]...), 0, ProtoUDP), 0, byte(len(udp)))
	if c := Checksum(append(pseudo, udp...)); c != 0 {
		t.Errorf("UDP checksum does not verify: sum %#x", c)
	}
	if ip[IPv4ProtoOffset] != ProtoUDP || frame[EthHdrLen+IPv4ProtoOffset] != 17 {
		t.Errorf("protocol byte misplaced")
	}
	if !bytes.Equal(frame, b.Bytes()) {
		t.Errorf("Bytes is not repeatable")
	}
}

func TestBuilderGrowsAfterBytes(t *testing.T) {
	b := Ethernet(EthIPv4).IPv4(IPv4{Proto: ProtoUDP})
	short := b.Bytes()
	if b.Len() != EthHdrLen+IPv4HdrLen || len(short) != b.Len() {
		t.Fatalf("Len %d, frame %d bytes", b.Len(), len(short))
	}
	long := b.UDP(1, 2).Bytes()
	if got := int(long[EthHdrLen+2])<<8 | int(long[EthHdrLen+3]); got != IPv4HdrLen+UDPHdrLen {
		t.Errorf("total length %d after adding UDP, want %d", got, IPv4HdrLen+UDPHdrLen)
	}
	if got := int(short[EthHdrLen+3]); got != IPv4HdrLen {
		t.Errorf("earlier frame changed: total length %d", got)
	}
}

func TestDNSQuery(t *testing.T) {
	tests := []struct {
		name  string
		qtype uint16
		want  string
	}{
		{"", DNSTypeA, "00 0001 0001"},
		{".", DNSTypeA, "00 0001 0001"},
		{"a.bc.", 16, "01 61 02 6263 00 0010 0001"},
	}
	for _, tc := range tests {
		got := DNSQuery(tc.name, tc.qtype)
		want := append(unhex(t, "1234 0100 0001 0000 0000 0000"), unhex(t, tc.want)...)
		if !bytes.Equal(got, want) {
			t.Errorf("DNSQuery(%q, %d) = %x, want %x", tc.name, tc.qtype, got, want)
		}
	}
}

func TestHTTPRequest(t *testing.T) {
	got := string(HTTPRequest("POST", "/x"))
	if want := "POST /x HTTP/1.1\r\nHost: localhost\r\n\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"ipv6 address in ipv4", func() { New().IPv4(IPv4{Src: netip.MustParseAddr("::1")}) }},
		{"ipv4 address in ipv6", func() { New().IPv6(IPv6{Dst: v4a}) }},
		{"ipv4 options too long", func() { New().IPv4(IPv4{Options: make([]byte, 41)}) }},
		{"tcp options too long", func() { New().TCP(TCP{Options: make([]byte, 41)}) }},
		{"ipv6 options length", func() { New().IPv6Opts(ProtoUDP, 12) }},
		{"vlan id", func() { New().VLAN(VLAN{VID: 4096}) }},
		{"vxlan vni", func() { New().VXLAN(1 << 24) }},
		{"dns label", func() { DNSQuery(strings.Repeat("a", 64)+".com", DNSTypeA) }},
		{"dns empty label", func() { DNSQuery("a..b", DNSTypeA) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.fn()
		})
	}
}

func ExampleBuilder() {
	frame := Ethernet(EthIPv4).
		IPv4(IPv4{Proto: ProtoUDP, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2")}).
		UDP(1234, PortDNS).
		Payload(DNSQuery("example.com", DNSTypeAAAA)).
		Bytes()
	fmt.Println(len(frame), frame[EthHdrLen+IPv4ProtoOffset])
	// Output: 71 17
}
