package runtime

import (
	"context"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
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
