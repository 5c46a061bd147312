package compile_test

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

func TestCollectionLoadsAndCounts(t *testing.T) {
	kerneltest.Require(t)
	prog, err := compile.Source("count.lua", countSrc, &compile.Options{
		Maps: map[string]compile.MapSpec{"counts": {Type: "array", MaxEntries: 256}},
	})
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(prog.CollectionSpec())
	if err != nil {
		t.Fatalf("%+v", err)
	}
	defer coll.Close()
	frame := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(1, 2).Bytes()
	for i := 0; i < 3; i++ {
		kerneltest.RunSocketFilter(t, coll.Programs["count"], frame, nil)
	}
	var n uint32
	if err := coll.Maps["counts"].Lookup(uint32(17), &n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("counts[17] = %d after 3 UDP frames, want 3", n)
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
