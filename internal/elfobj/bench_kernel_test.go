package elfobj_test

import (
	"bytes"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// BenchmarkNewProgram measures loading the 50-instruction counting
// program into the kernel (verifier included) with each kind of line
// info, so the cost of line info can be set against the whole load:
// none, *source.Line sources as they are (text only), LineInfo, and an
// in-memory object parsed back.
func BenchmarkNewProgram(b *testing.B) {
	kerneltest.Require(b)
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: 8, ValueSize: 8, MaxEntries: 64})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	load := func(b *testing.B, insns asm.Instructions) {
		insns = append(asm.Instructions(nil), insns...)
		if err := insns.AssociateMap("counts", m); err != nil {
			b.Fatal(err)
		}
		prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, License: "GPL", Instructions: insns})
		if err != nil {
			b.Fatal(err)
		}
		prog.Close()
	}
	b.Run("none", func(b *testing.B) {
		insns := fiftyInsns()
		for i := range insns {
			insns[i] = insns[i].WithSource(nil)
		}
		for b.Loop() {
			load(b, insns)
		}
	})
	b.Run("source", func(b *testing.B) {
		insns := fiftyInsns()
		for b.Loop() {
			load(b, insns)
		}
	})
	b.Run("lineinfo", func(b *testing.B) {
		insns := fiftyInsns()
		for b.Loop() {
			li, err := elfobj.LineInfo(insns)
			if err != nil {
				b.Fatal(err)
			}
			load(b, li)
		}
	})
	b.Run("object", func(b *testing.B) {
		obj := fiftyObject()
		for b.Loop() {
			raw, err := elfobj.Bytes(obj)
			if err != nil {
				b.Fatal(err)
			}
			spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(raw))
			if err != nil {
				b.Fatal(err)
			}
			load(b, spec.Programs["count_packets"].Instructions)
		}
	})
}
