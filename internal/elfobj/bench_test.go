package elfobj_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/elfobj"
)

// fiftyInsns is the counting socket filter with 24 more instructions on
// 12 more Lua lines: 50 instructions, 52 slots.
func fiftyInsns() asm.Instructions {
	count := countInsns()
	out := asm.Instructions{count[0]}
	for i := range 12 {
		l := at("count.lua", 20+i, fmt.Sprintf("\tlocal x%d = x%d + %d", i+1, i, i))
		out = append(out, asm.Mov.Imm(asm.R7, int32(i)).WithSource(l), asm.Add.Imm(asm.R7, 1).WithSource(l))
	}
	return append(out, count[1:]...)
}

func fiftyObject() *elfobj.Object {
	return &elfobj.Object{
		License:  "GPL",
		Programs: []elfobj.Program{{Name: "count_packets", Section: "socket", Insns: fiftyInsns()}},
		Maps:     []elfobj.Map{{Name: "counts", Type: ebpf.Hash, Key: flowKey, Value: u64, MaxEntries: 64}},
	}
}

// BenchmarkObjectRoundTrip measures the way to line info through an ELF
// object: write the object in memory and parse it back with
// LoadCollectionSpecFromReader, for a 50-instruction program with one map.
func BenchmarkObjectRoundTrip(b *testing.B) {
	obj := fiftyObject()
	b.ReportMetric(float64(len(obj.Programs[0].Insns)), "insns")
	for b.Loop() {
		raw, err := elfobj.Bytes(obj)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLineInfo measures the direct way: LineInfo on the same
// instructions, for a hand-built ProgramSpec.
func BenchmarkLineInfo(b *testing.B) {
	insns := fiftyInsns()
	b.ReportMetric(float64(len(insns)), "insns")
	for b.Loop() {
		if _, err := elfobj.LineInfo(insns); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite measures writing the object alone.
func BenchmarkWrite(b *testing.B) {
	obj := fiftyObject()
	for b.Loop() {
		if _, err := elfobj.Bytes(obj); err != nil {
			b.Fatal(err)
		}
	}
}
