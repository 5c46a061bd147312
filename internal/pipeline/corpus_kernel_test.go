package pipeline

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/proto"
)

// TestCorpusPassesVerifier loads every corpus program the compiler
// accepts into the kernel: a program that compiles should load.
func TestCorpusPassesVerifier(t *testing.T) {
	kerneltest.Require(t)
	for _, c := range loadCorpus(t) {
		if c.errMsg != "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			res, _, err := c.compile(t)
			if err != nil {
				t.Fatal(err)
			}
			loadCase(t, c, res)
		})
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }

// TestCorpusAsPacketKinds compiles every corpus program that reads the
// packet as an XDP and as a TC program too: where it compiles (it may
// use a context field the kind lacks), the verifier must accept it, with
// direct packet access and its bounds checks in place of socket loads.
func TestCorpusAsPacketKinds(t *testing.T) {
	kerneltest.Require(t)
	for _, c := range loadCorpus(t) {
		if c.errMsg != "" || c.kind.Packet == proto.NoPacket {
			continue
		}
		for _, k := range []*proto.Kind{proto.XDP, proto.TC} {
			d := *c
			d.kind = k
			res, _, err := d.compile(t)
			if err != nil {
				t.Logf("%s does not compile as %s: %v", c.name, k.Noun, err)
				continue
			}
			t.Run(c.name+"/"+k.Name, func(t *testing.T) { loadCase(t, &d, res) })
		}
	}
}
