package pipeline

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

var mapTypes = map[string]ebpf.MapType{
	"hash": ebpf.Hash, "array": ebpf.Array, "percpu_hash": ebpf.PerCPUHash,
	"percpu_array": ebpf.PerCPUArray, "lru_hash": ebpf.LRUHash, "lru_percpu_hash": ebpf.LRUCPUHash,
}

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
			insns := append(res.Insns[:0:0], res.Insns...)
			for _, ref := range res.Maps {
				m, err := ebpf.NewMap(&ebpf.MapSpec{Type: mapTypes[c.maps[ref.Name]], KeySize: uint32(ref.KeySize), ValueSize: uint32(ref.ValueSize), MaxEntries: 64})
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if err := insns.AssociateMap(ref.Name, m); err != nil {
					t.Fatal(err)
				}
			}
			prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, Instructions: insns, License: "GPL"})
			if err != nil {
				t.Fatalf("verifier: %+v", err)
			}
			prog.Close()
		})
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
