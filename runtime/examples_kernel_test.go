package runtime

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// The seed socket examples, run unchanged from the repository's
// testdata/seed (see seedRun): each prints its counts, sleeps, and prints
// them again; while it sleeps the test runs frames through its filter.

func udp4(dport uint16, payload []byte) []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP}).
		UDP(40000, dport).Payload(payload).Bytes()
}

func tcp4(payload []byte) []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoTCP}).
		TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Flags: packet.TCPPsh | packet.TCPAck}).
		Payload(payload).Bytes()
}

// tcp4Opts carries payload after IPv4 and TCP headers with options, so
// the data offset comes from both length fields.
func tcp4Opts(payload []byte) []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoTCP, Options: []byte{0x94, 4, 0, 0, 1, 1, 1, 1}}).
		TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Flags: packet.TCPAck, Options: []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}}).
		Payload(payload).Bytes()
}

func TestExampleSockProto(t *testing.T) {
	s := startSeed(t, "sock-proto.lua")
	wantLines(t, "before any frame", s.printed(), []string{"TCP 0 UDP 0 ICMP 0 packets"})
	prog, counts := s.filter()
	frames := [][]byte{
		frameUDP4, frameUDP4, udp4(9, nil),
		frameTCP4, tcp4(nil), packetTCPWithIPOptions(), frameTCP4,
		frameICMP4,
		frameOpts4,   // UDP behind IPv4 options: proto is at byte 23 all the same
		frameVLANARP, // byte 23 is ARP's plen, 4: no entry, nothing added
	}
	for _, f := range frames {
		if got := run(t, prog, f, nil); got != 0 {
			t.Errorf("returned %d, want 0", got)
		}
	}
	want := []string{"TCP 4 UDP 4 ICMP 1 packets"}
	wantLines(t, "after the frames", s.resume(), want)
	wantMissing(t, counts, 0)
	wantMissing(t, counts, 4)
	s.finish(want, 2, 10)
}

func TestExampleSockProtolen(t *testing.T) {
	s := startSeed(t, "sock-protolen.lua")
	wantLines(t, "before any frame", s.printed(), []string{"TCP 0 UDP 0 ICMP 0 bytes"})
	prog, counts := s.filter()
	sum := map[int]int{}
	for _, f := range [][]byte{frameUDP4, udp4(9, []byte("0123456789")), frameTCP4, frameTCP4, frameICMP4, frameVXLAN} {
		run(t, prog, f, nil)
		sum[int(f[23])] += len(f)
	}
	wantLines(t, "after the frames", s.resume(), []string{fmt.Sprintf("TCP %d UDP %d ICMP %d bytes", sum[6], sum[17], sum[1])})
	var v uint64
	if err := counts.Lookup(uint32(2), &v); err != nil || v != 0 {
		t.Errorf("map[2] = %d (%v), want 0", v, err)
	}
	// The values are 64-bit: a count past 2^32 stays exact.
	if err := counts.Put(uint32(6), uint64(0xffffff00)); err != nil {
		t.Fatal(err)
	}
	run(t, prog, frameTCP4, nil)
	want := []string{fmt.Sprintf("TCP %d UDP %d ICMP %d bytes", 0xffffff00+len(frameTCP4), sum[17], sum[1])}
	wantLines(t, "past 2^32", s.resume(), want)
	s.finish(want, 3, 10)
}

func TestExampleSockParseDNS(t *testing.T) {
	s := startSeed(t, "sock-parse-dns.lua")
	wantLines(t, "before any frame", s.printed(), nil)
	prog, _ := s.filter()
	frames := []struct {
		name  string
		frame []byte
	}{
		{"two labels AAAA", udp4(53, packet.DNSQuery("example.com", packet.DNSTypeAAAA))},
		{"two labels AAAA again", frameUDP4},
		{"one label A", udp4(53, packet.DNSQuery("localhost", packet.DNSTypeA))},
		{"root MX", udp4(53, packet.DNSQuery(".", 15))},
		{"two labels TXT", udp4(5353, packet.DNSQuery("a.b", 16))},
		{"three labels: not counted", udp4(53, packet.DNSQuery("www.example.com", packet.DNSTypeA))},
		{"tcp: not counted", tcp4(packet.DNSQuery("example.com", packet.DNSTypeA))},
		{"icmp: not counted", frameICMP4},
		{"udp behind IPv4 options", packet.Ethernet(packet.EthIPv4).
			IPv4(packet.IPv4{Src: ip4a, Dst: ip4b, Proto: packet.ProtoUDP, Options: []byte{1, 1, 1, 1}}).
			UDP(1, 53).Payload(packet.DNSQuery("x.org", packet.DNSTypeAAAA)).Bytes()},
	}
	for _, f := range frames {
		if got := run(t, prog, f.frame, nil); got != 0 {
			t.Errorf("%s: returned %d, want 0", f.name, got)
		}
	}
	// The script prints the nonzero counters in key order.
	want := []string{"TYPE1: 1", "TYPE15: 1", "TYPE16: 1", "TYPE28: 3"}
	wantLines(t, "after the frames", s.resume(), want)
	// Nothing before the first sleep, then four lines in each of the nine
	// iterations after it.
	s.finish(want, 4, 9*4)
}

// httpCounts parses the line sock-parse-http.lua prints, "GET 3 POST 1
// messages" (keys in the map's order), into counts by key.
func httpCounts(t *testing.T, lines []string) map[string]int {
	t.Helper()
	if len(lines) != 1 || !strings.HasSuffix(lines[0], " messages") {
		t.Fatalf("the script printed %q, want one line ending in \" messages\"", lines)
	}
	f := strings.Fields(strings.TrimSuffix(lines[0], " messages"))
	m := map[string]int{}
	for i := 0; i+1 < len(f); i += 2 {
		n, err := strconv.Atoi(f[i+1])
		if err != nil {
			t.Fatalf("line %q: %v", lines[0], err)
		}
		if _, dup := m[f[i]]; dup {
			t.Errorf("line %q lists %s twice", lines[0], f[i])
		}
		m[f[i]] = n
	}
	if len(f)%2 != 0 {
		t.Errorf("line %q does not alternate keys and counts", lines[0])
	}
	return m
}

func TestExampleSockParseHTTP(t *testing.T) {
	s := startSeed(t, "sock-parse-http.lua")
	wantLines(t, "before any frame", s.printed(), nil)
	prog, _ := s.filter()
	in := &kerneltest.RunOptions{IngressIfindex: 1}
	frames := []struct {
		name  string
		frame []byte
		opts  *kerneltest.RunOptions
	}{
		{"GET", frameTCP4, in},
		{"GET again", tcp4(packet.HTTPRequest("GET", "/")), in},
		{"GET behind IP and TCP options", tcp4Opts(packet.HTTPRequest("GET", "/x")), in},
		{"POST", packetTCPWithIPOptions(), in},
		{"PUT", tcp4(packet.HTTPRequest("PUT", "/a")), in},
		{"HEAD", tcp4(packet.HTTPRequest("HEAD", "/")), in},
		{"DELETE", tcp4(packet.HTTPRequest("DELETE", "/a")), in},
		{"response", tcp4([]byte("HTTP/1.1 200 OK\r\n\r\n")), in},
		{"other method", tcp4(packet.HTTPRequest("PATCH", "/")), in},
		{"egress (ingress_ifindex 0)", frameTCP4, nil},
		{"7 bytes exactly", tcp4([]byte("GET /ab")), in},
		{"6 bytes: too short", tcp4([]byte("GET /a")), in},
	}
	for _, f := range frames {
		if got := run(t, prog, f.frame, f.opts); got != 0 {
			t.Errorf("%s: returned %d, want 0", f.name, got)
		}
	}
	// Keys are the first four bytes with spaces trimmed ('GET ' is GET);
	// PATCH is not counted.
	line := s.resume()
	want := map[string]int{"GET": 4, "POST": 1, "PUT": 1, "HEAD": 1, "DELE": 1, "HTTP": 1}
	if got := httpCounts(t, line); !maps.Equal(got, want) {
		t.Errorf("the script printed %q, want the counts %v", line, want)
	}
	s.finish(line, 1, 9) // nothing printed before the first sleep
}
