package runtime

import (
	"context"
	"fmt"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"golang.org/x/sys/unix"
)

// runFilter compiles script, loads its global `prog` as a socket filter
// and runs it on frame. It returns the runtime so the test can inspect
// maps; the runtime is closed when the test ends.
func runFilter(t *testing.T, script string, frame []byte, opts *kerneltest.RunOptions) (*Runtime, uint32) {
	t.Helper()
	kerneltest.Require(t)
	rt := New(nil)
	t.Cleanup(func() { rt.Close() })
	if err := rt.RunString(context.Background(), "test.lua", script, nil); err != nil {
		t.Fatalf("script: %v", err)
	}
	p, err := rt.Program("prog")
	if err != nil {
		t.Fatal(err)
	}
	ep, err := p.Load(ebpf.SocketFilter)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, p.Dump())
	}
	ret, _ := kerneltest.RunSocketFilter(t, ep, frame, opts)
	return rt, ret
}

func eval(t *testing.T, rt *Runtime, code string) string {
	t.Helper()
	s, err := rt.Eval(code)
	if err != nil {
		t.Fatalf("eval %q: %v", code, err)
	}
	return s
}

func TestSockProtoCountsUDP(t *testing.T) {
	script := `
local ffi = require("ffi")
local bpf = require("bpf")
counts = bpf.map('hash', 256)
counts[1], counts[6], counts[17] = 0, 0, 0
prog = bpf(function (skb)
	local proto = pkt.ip.proto
	xadd(counts[proto], 1)
end)
`
	frame := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(1000, 53).Payload([]byte("hi")).Bytes()
	rt, ret := runFilter(t, script, frame, nil)
	if ret != 0 {
		t.Errorf("returned %d, want 0", ret)
	}
	if got := eval(t, rt, "return tonumber(counts[17])"); got != "1" {
		t.Errorf("counts[17] = %s, want 1", got)
	}
	if got := eval(t, rt, "return tonumber(counts[6])"); got != "0" {
		t.Errorf("counts[6] = %s, want 0", got)
	}
}

// bpf.socket(fd, fn) attaches to a socket the script did not open: here
// a UDP socket whose filter counts and drops every datagram. Closing the
// runtime detaches the filter, and the socket receives again.
func TestSocketFilterOnDescriptor(t *testing.T) {
	kerneltest.Require(t)
	recvFD, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(recvFD)
	if err := unix.Bind(recvFD, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(recvFD)
	tv := unix.Timeval{Usec: 100000}
	unix.SetsockoptTimeval(recvFD, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	sendFD, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sendFD)
	send := func() {
		if err := unix.Sendto(sendFD, []byte("ping"), 0, sa); err != nil {
			t.Fatal(err)
		}
	}
	received := func() bool {
		buf := make([]byte, 16)
		n, _, err := unix.Recvfrom(recvFD, buf, 0)
		return err == nil && n == 4
	}

	rt := New(nil)
	script := fmt.Sprintf(`
local bpf = require('bpf')
counts = bpf.map('array', 1)
bpf.socket(%d, function (skb)
	xadd(counts[0], 1)
	return 0
end)
`, recvFD)
	if err := rt.RunString(context.Background(), "fd.lua", script, nil); err != nil {
		rt.Close()
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		send()
	}
	if received() {
		t.Error("a datagram got through a filter that drops everything")
	}
	if got := eval(t, rt, "return tonumber(counts[0])"); got != "3" {
		t.Errorf("filter saw %s datagrams, want 3", got)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	send()
	if !received() {
		t.Error("closing the runtime did not detach the filter")
	}
}
