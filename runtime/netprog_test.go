package runtime

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// The argument errors of bpf.xdp and bpf.tc come before anything is
// compiled or attached, at the script's line.
func TestNetAttachArgumentErrors(t *testing.T) {
	for _, tc := range []struct{ call, want string }{
		{"bpf.xdp('lo', function (ctx) return 2 end, 'turbo')", "n.lua:2: bad argument #3 to xdp (expected an XDP mode, 'generic' or 'native' (or nil to let the kernel choose), not 'turbo')"},
		{"bpf.tc('lo', 'sideways', function (skb) return 0 end)", "n.lua:2: bad argument #2 to tc (expected 'ingress' or 'egress', not 'sideways')"},
		{"bpf.xdp('lo', function (ctx) pkt.ip.ttk = 1 end)", "n.lua:2: pkt.ip has no field 'ttk' (did you mean 'ttl'?)"},
		{"bpf.socket('lo', function (skb) pkt.ip.ttl = 1 end)", "n.lua:2: a socket filter cannot write to the packet (pkt.ip.ttl)"},
		{"bpf.tc(function (skb) return ctx.len end)", "n.lua:2: unknown name 'ctx'"},
	} {
		rt := New(nil)
		err := rt.RunString(context.Background(), "n.lua", "local bpf = require('bpf')\n"+tc.call+"\n", nil)
		rt.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.call, err, tc.want)
		}
	}
}

// An older kernel without tcx links gets one sentence saying what bpf.tc
// needs, not an errno.
func TestTCAttachErrorNamesTheKernelNeeded(t *testing.T) {
	msg := tcAttachError("eth0", fmt.Errorf("attach tcx link: %w", ebpf.ErrNotSupported))
	if !strings.Contains(msg, "bpf.tc attaches through tcx links, which need Linux 6.6 or later; this kernel is ") {
		t.Errorf("got %q", msg)
	}
	if msg := tcAttachError("eth0", unix.EPERM); !strings.Contains(msg, "needs root, or CAP_NET_ADMIN and CAP_BPF") {
		t.Errorf("EPERM: got %q", msg)
	}
	if msg := xdpAttachError("veth0", "native", fmt.Errorf("link: %w", unix.EOPNOTSUPP)); !strings.Contains(msg, "has no native XDP; use mode 'generic'") {
		t.Errorf("EOPNOTSUPP: got %q", msg)
	}
}
