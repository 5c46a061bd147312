package runtime

import (
	"fmt"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// The seed socket examples (seed/examples/sock-*.lua), with their kernel
// functions copied unchanged: only bpf.socket('lo', fn) became
// `prog = bpf(fn)`, the map is also published as the global `counts`, and
// the userspace loop became a report function that formats what one
// iteration of the loop prints.

const exampleHeader = `local ffi = require("ffi")
local bpf = require("bpf")
`

const sockProto = exampleHeader + `
-- Shared part of the program
local map = bpf.map('hash', 256)
map[1], map[6], map[17] = 0, 0, 0
-- Kernel-space part of the program
prog = bpf(function (skb)
   local proto = pkt.ip.proto  -- Get byte (ip.proto) from frame at [23]
   xadd(map[proto], 1)         -- Atomic ` + "`map[proto] += 1`" + `
end)
counts = map
function report()
   local icmp, udp, tcp = map[1], map[17], map[6]
   return string.format('TCP %d UDP %d ICMP %d packets',
   	     tonumber(tcp or 0), tonumber(udp or 0), tonumber(icmp or 0))
end
`

const sockProtolen = exampleHeader + `
-- Shared part of the program
local map = bpf.map('array', 256, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
-- Kernel-space part of the program
prog = bpf(function (skb)
	local proto = pkt.ip.proto  -- Get byte (ip.proto) from frame at [23]
	xadd(map[proto], skb.len)   -- Atomic ` + "`map[proto] += <payload length>`" + `
end)
counts = map
function report()
	local icmp, udp, tcp = map[1], map[17], map[6]
	return string.format('TCP %d UDP %d ICMP %d bytes',
		tonumber(tcp or 0), tonumber(udp or 0), tonumber(icmp or 0))
end
`

const sockParseDNS = exampleHeader + `
-- Shared part of the program
local map = assert(bpf.map('array', 256))
-- Kernel-space part of the program
prog = bpf(function (skb)
	local ip = pkt.ip   -- Accept only UDP messages
	if ip.proto ~= c.ip.proto_udp then return false end
	local udp = ip.udp  -- Only messages >12 octets (DNS header)
	if udp.length < 12 then return false end
	-- Unroll QNAME (up to 2 labels)
	udp = udp.data + 12
	local label = udp[0]
	if label > 0 then
		udp = udp + label + 1
		label = udp[0]
		if label > 0 then
			udp = udp + label + 1
		end
	end
	-- Track QTYPE (low types)
	if udp[0] == 0 then
		local qtype = udp[2] -- Low octet from QTYPE
		xadd(map[qtype], 1)
	end
end)
counts = map
function report()
	local out = {}
	for k,v in map.pairs,map,0 do
		v = tonumber(v)
		if v > 0 then
			out[#out + 1] = string.format('TYPE%d: %d', k, v)
		end
	end
	return table.concat(out, ' ')
end
`

const sockParseHTTP = exampleHeader + `
-- Shared part of the program
local map = bpf.map('hash', 64)
-- Kernel-space part of the program
prog = bpf(function (skb)
	-- Only ingress so we don't count twice on loopback
	if skb.ingress_ifindex == 0 then return end
	local data = pkt.ip.tcp.data  -- Get TCP protocol dissector
	-- Continue only if we have 7 bytes of TCP data
	if data + 7 > skb.len then return end
	-- Fetch 4 bytes of TCP data and compare
	local h = data(0, 4)
	if h == 'HTTP' or h == 'GET ' or
	   h == 'POST' or h == 'PUT ' or
	   h == 'HEAD' or h == 'DELE' then
	   	-- If hash key doesn't exist, create it
	   	-- otherwise increment counter
	   local v = map[h]
	   if not v then map[h] = 1
	   else          xadd(map[h], 1)
	   end
	end
end)
counts = map
function report()
	local strkey = ffi.new('uint32_t [1]')
	local out = {}
	for k,v in map.pairs,map,0 do
		strkey[0] = bpf.ntoh(k)
		out[#out + 1] = string.format('%s %d', ffi.string(strkey, 4):match '^%s*(.-)%s*$', tonumber(v))
	end
	table.sort(out)
	return table.concat(out, ' ')
end
`

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
	rt, prog := loadFilter(t, sockProto)
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
	wantMap(t, rt, "counts", map[any]string{1: "1", 6: "4", 17: "4", 0: "nil", 4: "nil"})
	if got, want := eval(t, rt, "return report()"), "TCP 4 UDP 4 ICMP 1 packets"; got != want {
		t.Errorf("report: %q, want %q", got, want)
	}
}

func TestExampleSockProtolen(t *testing.T) {
	rt, prog := loadFilter(t, sockProtolen)
	sum := map[int]int{}
	for _, f := range [][]byte{frameUDP4, udp4(9, []byte("0123456789")), frameTCP4, frameTCP4, frameICMP4, frameVXLAN} {
		run(t, prog, f, nil)
		sum[int(f[23])] += len(f)
	}
	wantMap(t, rt, "counts", map[any]string{1: fmt.Sprint(sum[1]), 6: fmt.Sprint(sum[6]), 17: fmt.Sprint(sum[17]), 2: "0"})
	if got, want := eval(t, rt, "return report()"), fmt.Sprintf("TCP %d UDP %d ICMP %d bytes", sum[6], sum[17], sum[1]); got != want {
		t.Errorf("report: %q, want %q", got, want)
	}
	// The values are 64-bit: a count past 2^32 stays exact.
	eval(t, rt, "counts[6] = 0xffffff00; return 0")
	run(t, prog, frameTCP4, nil)
	wantMap(t, rt, "counts", map[any]string{6: fmt.Sprint(0xffffff00 + len(frameTCP4))})
}

func TestExampleSockParseDNS(t *testing.T) {
	rt, prog := loadFilter(t, sockParseDNS)
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
	wantMap(t, rt, "counts", map[any]string{28: "3", 1: "1", 15: "1", 16: "1", 0: "0"})
	if got, want := eval(t, rt, "return report()"), "TYPE1: 1 TYPE15: 1 TYPE16: 1 TYPE28: 3"; got != want {
		t.Errorf("report: %q, want %q", got, want)
	}
}

func TestExampleSockParseHTTP(t *testing.T) {
	rt, prog := loadFilter(t, sockParseHTTP)
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
	// Keys are the first four bytes as a big-endian number: 'GET ' is
	// 0x47455420.
	wantMap(t, rt, "counts", map[any]string{
		0x47455420: "4", // GET
		0x504f5354: "1", // POST
		0x50555420: "1", // PUT
		0x48454144: "1", // HEAD
		0x44454c45: "1", // DELE
		0x48545450: "1", // HTTP
		0x50415443: "nil",
	})
	if got, want := eval(t, rt, "return report()"), "DELE 1 GET 4 HEAD 1 HTTP 1 POST 1 PUT 1"; got != want {
		t.Errorf("report: %q, want %q", got, want)
	}
	if got := eval(t, rt, "local n = 0; for k in counts.pairs, counts, nil do n = n + 1 end; return n"); got != "6" {
		t.Errorf("%s keys, want 6", got)
	}
}
