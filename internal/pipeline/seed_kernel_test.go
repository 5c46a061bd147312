package pipeline

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// load creates the maps a result refers to and loads it as a socket filter.
func load(t *testing.T, res *Result, mapType ebpf.MapType, max uint32) (*ebpf.Program, *ebpf.Map) {
	t.Helper()
	kerneltest.Require(t)
	var m *ebpf.Map
	insns := res.Insns
	for _, ref := range res.Maps {
		var err error
		m, err = ebpf.NewMap(&ebpf.MapSpec{Type: mapType, KeySize: uint32(ref.KeySize), ValueSize: uint32(ref.ValueSize), MaxEntries: max})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		if err := insns.AssociateMap(ref.Name, m); err != nil {
			t.Fatal(err)
		}
	}
	prog, err := ebpf.NewProgramWithOptions(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, Instructions: insns, License: "GPL"}, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelInstruction})
	if err != nil {
		t.Fatalf("%+v", err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog, m
}

func TestSeedExamplesPassVerifier(t *testing.T) {
	for _, tc := range []struct {
		file string
		typ  ebpf.MapType
		key  string
		val  string
	}{
		{"sock-proto.lua", ebpf.Hash, "uint32_t", "uint32_t"},
		{"sock-protolen.lua", ebpf.Array, "uint32_t", "uint64_t"},
		{"sock-parse-dns.lua", ebpf.Array, "uint32_t", "uint32_t"},
		{"sock-parse-http.lua", ebpf.Hash, "uint32_t", "uint32_t"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			env := newEnv(t)
			env.addMap(t, "map", tc.typ.String(), 256, tc.key, tc.val)
			res, err := compileFirst(t, tc.file, readSeed(t, tc.file), env)
			if err != nil {
				t.Fatal(err)
			}
			load(t, res, tc.typ, 256)
		})
	}
}
