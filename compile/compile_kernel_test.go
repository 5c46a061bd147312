package compile_test

import (
	"fmt"
	"strings"
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
	spec, err := prog.CollectionSpec()
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
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

// TestKernelKeepsDebugInfo loads a compiled program and its map and
// reads back what the kernel kept: the function's whole name from its
// func info, the Lua file and line of each statement from its line info,
// and the map's BTF.
func TestKernelKeepsDebugInfo(t *testing.T) {
	kerneltest.Require(t)
	src := "local count_udp_packets = function(skb)\n" +
		"\tif pkt.ip.proto == 17 then\n" +
		"\t\txadd(counts[0].packets, 1)\n" +
		"\tend\n" +
		"end\n"
	prog, err := compile.Source("count.lua", src, &compile.Options{
		Maps: map[string]compile.MapSpec{"counts": {Type: "array", ValueType: "struct { uint64_t packets; }", MaxEntries: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := prog.CollectionSpec()
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	defer coll.Close()
	info, err := coll.Programs[prog.Spec.Name].Info()
	if err != nil {
		t.Fatal(err)
	}
	funcs, err := info.FuncInfos()
	if err != nil || len(funcs) != 1 || funcs[0].Func.Name != "count_udp_packets" {
		t.Errorf("func info %v, %v; want count_udp_packets", funcs, err)
	}
	lines, err := info.LineInfos()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s:%d", l.Line.FileName(), l.Line.LineNumber()))
	}
	if s := strings.Join(got, " "); !strings.Contains(s, "count.lua:2") || !strings.Contains(s, "count.lua:3") {
		t.Errorf("kernel line info %q lacks count.lua:2 and count.lua:3", s)
	}
	minfo, err := coll.Maps["counts"].Info()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := minfo.BTFID(); !ok {
		t.Error("the map has no BTF")
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
