package runtime

import (
	"regexp"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/proto"
)

// Helpers for the kernel tests of XDP and TC programs: the same kernel
// functions as the socket filter tests, compiled with bpf.xdp(fn) and
// bpf.tc(fn) and run on the same frames with BPF_PROG_TEST_RUN, which
// gives both kinds the frame from its Ethernet header.

// packetKind is a kind of packet program a test runs a function as.
type packetKind struct {
	name string // the bpf module's function: "xdp", "tc"
	kind *proto.Kind
}

var directKinds = []packetKind{{"xdp", proto.XDP}, {"tc", proto.TC}}

// packetScript wraps body as the kernel function of a script compiled
// as kind ("xdp", "tc"): prelude first, then `prog = bpf.KIND(function
// (skb) ... end)`. The kernel function starts on line prelude's lines +
// 2, as with filterScript.
func packetScript(kind, prelude, body string) string {
	return "local ffi = require('ffi')\nlocal bpf = require('bpf')\n" + prelude +
		"\nprog = bpf." + kind + "(function (skb)\n" + body + "\nend)\n"
}

// loadPacketProg runs script and loads its global `prog` as a program
// of kind k.
func loadPacketProg(t *testing.T, k *proto.Kind, script string) (*Runtime, *ebpf.Program) {
	t.Helper()
	kerneltest.Require(t)
	rt := New(nil)
	t.Cleanup(func() { rt.Close() })
	if err := rt.RunString(t.Context(), "test.lua", script, nil); err != nil {
		t.Fatalf("script: %v\n%s", err, numbered(script))
	}
	p, err := rt.Program("prog")
	if err != nil {
		t.Fatal(err)
	}
	ep, err := p.Load(k.Program)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, p.Dump())
	}
	return rt, ep
}

var ctxField = regexp.MustCompile(`\bskb\.(\w+)`)

// readsCtx reports whether body reads only context fields kind k has.
func readsCtx(k *proto.Kind, body string) bool {
	for _, m := range ctxField.FindAllStringSubmatch(body, -1) {
		if f, ok := k.Ctx.Field(m[1]); !ok || f.Access == 0 {
			return false
		}
	}
	return true
}

// runAllKinds runs each case as a socket filter (runRetCases) and as an
// XDP and a TC program, which must return the same: one Lua function,
// one dissector chain. A case reading a context field a kind does not
// have, or with run options (a socket filter's context), runs only where
// it can.
func runAllKinds(t *testing.T, prelude string, frame []byte, cases []retCase) {
	t.Helper()
	runRetCases(t, prelude, frame, cases)
	for _, pk := range directKinds {
		t.Run(pk.name, func(t *testing.T) {
			for _, tc := range cases {
				if tc.opts != nil || !readsCtx(pk.kind, tc.body) {
					continue
				}
				t.Run(tc.name, func(t *testing.T) {
					f := tc.frame
					if f == nil {
						f = frame
					}
					_, prog := loadPacketProg(t, pk.kind, packetScript(pk.name, prelude, tc.body))
					if got, _ := kerneltest.RunPacket(t, prog, f); got != tc.want {
						t.Errorf("returned %d (%#x), want %d (%#x)\nkernel function:\n%s", got, got, tc.want, tc.want, tc.body)
					}
				})
			}
		})
	}
}
