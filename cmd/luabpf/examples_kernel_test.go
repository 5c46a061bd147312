package main

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The seed's socket examples run unchanged from the repository's
// testdata/seed, each in a network namespace of its own where lo carries
// only the traffic the test sends (see netns). Each prints once a second
// for ten seconds; the
// test sends its traffic after the filter is known to be attached and
// checks the numbers the example prints at the end. On lo a packet socket
// sees every packet twice, as it leaves and as it arrives, unless the
// filter looks at skb.ingress_ifindex.

// exampleRuntime bounds how long an example may take: ten iterations of
// S.sleep(1), plus start-up.
const exampleRuntime = 20 * time.Second

// protoLine is the line sock-proto.lua and sock-protolen.lua print.
var protoLine = regexp.MustCompile(`^TCP (\d+) UDP (\d+) ICMP (\d+) (packets|bytes)$`)

// protoCounts parses a protoLine into counts by IP protocol.
func protoCounts(t *testing.T, text, unit string) map[byte]uint64 {
	t.Helper()
	m := protoLine.FindStringSubmatch(text)
	if m == nil || m[4] != unit {
		t.Fatalf("line %q is not %q", text, "TCP n UDP n ICMP n "+unit)
	}
	n := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	return map[byte]uint64{protoTCP: n(m[1]), protoUDP: n(m[2]), protoICMP: n(m[3])}
}

var protoNames = map[byte]string{protoTCP: "TCP", protoUDP: "UDP", protoICMP: "ICMP"}

func TestSockProto(t *testing.T) {
	testProtoExample(t, "sock-proto.lua", "packets", func(c tally) uint64 { return c.packets })
}

func TestSockProtolen(t *testing.T) {
	testProtoExample(t, "sock-protolen.lua", "bytes", func(c tally) uint64 { return c.bytes })
}

// testProtoExample runs an example that counts frames or bytes by IP
// protocol. UDP to a closed port and ICMP echo make numbers the test
// computes; TCP's segments are counted by the test's own packet socket.
func testProtoExample(t *testing.T, name, unit string, metric func(tally) uint64) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	obs := observe(t, ns)
	p := startLuabpf(t, ns, examplePath(name))
	first := p.next(t, 10*time.Second)
	for proto, v := range protoCounts(t, first.text, unit) {
		if v != 0 {
			t.Errorf("first line %q: %s counts %d before any traffic, want 0", first.text, protoNames[proto], v)
		}
	}

	want := map[byte]tally{}
	sendUDPToClosedPort(t, ns, 5, 32, want)
	sendICMPEcho(t, ns, 3, 56, want)
	const conns = 3
	tcpExchange(t, ns, conns)

	code, rest := p.wait(t, exampleRuntime)
	if code != 0 || p.stderr.Len() > 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, p.stderr)
	}
	lines := append([]line{first}, rest...)
	if len(lines) != 10 {
		t.Errorf("printed %d lines, want 10 (one a second)", len(lines))
	}
	prev := map[byte]uint64{}
	var got map[byte]uint64
	for _, l := range lines {
		got = protoCounts(t, l.text, unit)
		for proto, v := range got {
			if v < prev[proto] {
				t.Errorf("%s count went down from %d to %d at %q", protoNames[proto], prev[proto], v, l.text)
			}
		}
		prev = got
	}
	t.Logf("last line: %s", lines[len(lines)-1].text)

	seen := obs.stop(t)
	for _, proto := range []byte{protoUDP, protoICMP} {
		// The test's model of its own traffic; if this fails the test,
		// not luabpf, is wrong.
		if seen[proto] != want[proto] {
			t.Errorf("the test's packet socket saw %s %+v, the test expected to send %+v", protoNames[proto], seen[proto], want[proto])
		}
		if got[proto] != metric(want[proto]) {
			t.Errorf("%s: %s %d %s, want %d", name, protoNames[proto], got[proto], unit, metric(want[proto]))
		}
	}
	// Each connection's handshake alone is three segments, seen twice.
	if least := uint64(2 * 3 * conns); seen[protoTCP].packets < least {
		t.Errorf("the test's packet socket saw %d TCP frames, want at least %d", seen[protoTCP].packets, least)
	}
	if got[protoTCP] != metric(seen[protoTCP]) {
		t.Errorf("%s: TCP %d %s, the test's packet socket counted %d", name, got[protoTCP], unit, metric(seen[protoTCP]))
	}
	for proto := range seen {
		if protoNames[proto] == "" {
			t.Errorf("the test's packet socket saw frames of IP protocol %d: lo is not the test's alone", proto)
		}
	}
}

func TestSockParseDNS(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	p := startLuabpf(t, ns, examplePath("sock-parse-dns.lua"))

	// The example prints nothing until it has counted something: send
	// queries of type ANY (255) until it does, so the filter is attached.
	probe := dnsQuery("probe.example", 255, 0)
	waitFirstLine(t, p, func() { sendDNS(t, ns, 1, probe) })

	sendDNS(t, ns, 3, dnsQuery("example.com", 28, 0))    // AAAA, two labels
	sendDNS(t, ns, 5, dnsQuery("localhost", 13, 0))      // HINFO, one label
	sendDNS(t, ns, 1, dnsQuery("", 6, 0))                // SOA of the root
	sendDNS(t, ns, 2, dnsQuery("example.net", 0x163, 0)) // low octet 99
	// Three labels are more than the example unrolls: not counted.
	sendDNS(t, ns, 4, dnsQuery("www.example.com", 17, 0))
	// UDP length 256 is 0x0100; the example compares udp.length in
	// network byte order, as BCC's LD_ABS loads leave it, so on a
	// little-endian machine it reads 1, which is < 12: not counted.
	sendDNS(t, ns, 2, dnsQuery("example.com", 16, 256-udpHeader))

	code, rest := p.wait(t, exampleRuntime)
	if code != 0 || p.stderr.Len() > 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, p.stderr)
	}
	iters := dnsIterations(t, rest)
	if len(iters) == 0 {
		t.Fatal("no output after the traffic")
	}
	got := iters[len(iters)-1]
	t.Logf("last counts:\n%s", formatDNS(got))
	if got[255] < 2 {
		t.Errorf("TYPE255: %d, want at least 2 (the probe, seen twice)", got[255])
	}
	delete(got, 255)
	want := map[int]uint64{28: 6, 13: 10, 6: 2, 99: 4}
	if !maps.Equal(got, want) {
		t.Errorf("last counts (probe type 255 left out):\n%s\nwant:\n%s", formatDNS(got), formatDNS(want))
	}
}

// waitFirstLine calls send until the example prints a line and returns
// that line. No traffic is in flight when it returns.
func waitFirstLine(t *testing.T, p *proc, send func()) line {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		send()
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.wait(t, time.Second)
				t.Fatalf("luabpf exited before printing a line; stderr:\n%s", p.stderr)
			}
			return l
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("luabpf printed nothing for 10s although the test sent traffic; stderr:\n%s", p.stderr)
	panic("unreachable")
}

var dnsLine = regexp.MustCompile(`^TYPE(\d+): (\d+)$`)

// dnsIterations splits sock-parse-dns.lua's output into its iterations,
// each a map from QTYPE low octet to count. An iteration lists the
// nonzero counters in increasing key order, so a key not above the
// previous one starts the next.
func dnsIterations(t *testing.T, lines []line) []map[int]uint64 {
	t.Helper()
	var iters []map[int]uint64
	prev := 256
	for _, l := range lines {
		m := dnsLine.FindStringSubmatch(l.text)
		if m == nil {
			t.Fatalf("line %q is not %q", l.text, "TYPEn: n")
		}
		k, _ := strconv.Atoi(m[1])
		v, _ := strconv.ParseUint(m[2], 10, 64)
		if k <= prev {
			iters = append(iters, map[int]uint64{})
		}
		iters[len(iters)-1][k] = v
		prev = k
	}
	return iters
}

func formatDNS(m map[int]uint64) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&b, "\tTYPE%d: %d\n", k, m[k])
	}
	return b.String()
}

var httpLine = regexp.MustCompile(`^(\S+ \d+ )+messages$`)

// httpCounts parses "GET 3 POST 1 messages".
func httpCounts(t *testing.T, text string) map[string]uint64 {
	t.Helper()
	if !httpLine.MatchString(text) {
		t.Fatalf("line %q is not %q", text, "KEY n KEY n ... messages")
	}
	f := strings.Fields(text)
	m := map[string]uint64{}
	for i := 0; i+1 < len(f); i += 2 {
		v, _ := strconv.ParseUint(f[i+1], 10, 64)
		m[f[i]] = v
	}
	return m
}

func TestSockParseHTTP(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	srv := startHTTPServer(t, ns)
	p := startLuabpf(t, ns, examplePath("sock-parse-http.lua"))

	// The example prints nothing until it has counted something: send
	// GETs until it does. The line after is the baseline, read when no
	// request was in flight.
	first := waitFirstLine(t, p, func() { srv.request(t, http.MethodGet) })
	httpCounts(t, first.text)
	baseLine := p.next(t, 3*time.Second)
	base := httpCounts(t, baseLine.text)

	for _, r := range []struct {
		method string
		n      int
	}{{"GET", 2}, {"POST", 3}, {"PUT", 4}, {"DELETE", 5}, {"HEAD", 6}} {
		for range r.n {
			srv.request(t, r.method)
		}
	}

	code, rest := p.wait(t, exampleRuntime)
	if code != 0 || p.stderr.Len() > 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, p.stderr)
	}
	if len(rest) == 0 {
		t.Fatal("no output after the traffic")
	}
	last := rest[len(rest)-1].text
	got := httpCounts(t, last)
	t.Logf("first line: %s\nbaseline: %s\nlast line: %s", first.text, baseLine.text, last)
	// Incoming only, one count per request and one "HTTP" per response;
	// keys are the first four bytes of the payload with spaces trimmed.
	want := map[string]uint64{
		"GET":  base["GET"] + 2,
		"POST": 3,
		"PUT":  4,
		"DELE": 5,
		"HEAD": 6,
		"HTTP": base["HTTP"] + 20,
	}
	// A GET sent as the filter was attached may have only its response
	// counted.
	if base["GET"] == 0 || len(base) != 2 || base["HTTP"] < base["GET"] || base["HTTP"] > base["GET"]+1 {
		t.Errorf("baseline %v: want GET n HTTP n (or n+1), n > 0", base)
	}
	if !maps.Equal(got, want) {
		t.Errorf("last line %q, want the counts %v (baseline %v)", last, want, base)
	}
}
