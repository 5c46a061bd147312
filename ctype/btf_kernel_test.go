package ctype_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// mapTypes declares the key and value types of TestBTFMapInKernel: a struct
// key with a bitfield and a typedef'd member, and a struct value with an
// array of char, a bool, an enum, a union and an anonymous member.
const mapTypes = `
	enum dir { IN, OUT };
	typedef uint16_t port_t;
	struct flow { uint32_t addr; port_t port; uint8_t proto; uint8_t flags:3, outbound:1; };
	struct stats {
		uint64_t packets;
		char comm[8];
		bool seen;
		enum dir dir;
		union { uint32_t raw; struct { uint16_t lo, hi; }; } tag;
		struct { uint32_t first, last; };
	} __attribute__((packed));
`

// TestBTFMapInKernel creates hash and array maps whose key and value BTF
// come from ctype, checks that the kernel kept the BTF (cilium/ebpf drops
// BTF it rejects and retries without it), stores an entry and checks that
// bpftool prints it by field name.
func TestBTFMapInKernel(t *testing.T) {
	kerneltest.Require(t)
	r := ctype.NewRegistry(ctype.HostArch())
	if err := r.Define(mapTypes); err != nil {
		t.Fatal(err)
	}
	flowKey := make([]byte, r.MustParse("struct flow").Size)
	binary.LittleEndian.PutUint32(flowKey[0:], 0x0100007f)
	binary.LittleEndian.PutUint16(flowKey[4:], 8080)
	flowKey[6] = 17
	flowKey[7] = 5 | 1<<3 // flags = 5, outbound = 1
	stats := make([]byte, r.MustParse("struct stats").Size)
	binary.LittleEndian.PutUint64(stats[0:], 42)
	copy(stats[8:], "curl")
	stats[16] = 1
	binary.LittleEndian.PutUint32(stats[17:], 1)          // dir = OUT
	binary.LittleEndian.PutUint32(stats[21:], 0x00030002) // tag.lo = 2, tag.hi = 3
	binary.LittleEndian.PutUint32(stats[25:], 7)          // first

	tests := []struct {
		name     string
		typ      ebpf.MapType
		key, val string
		keyBytes []byte
		want     []string // in bpftool's dump, in order
	}{
		{"hash", ebpf.Hash, "struct flow", "struct stats", flowKey, []string{
			`"addr": 16777343`, `"port": 8080`, `"proto": 17`, `"flags": 0x5`, `"outbound": 0x1`,
			`"packets": 42`, `"comm": "curl"`, `"seen": true`, `"dir": 1`, `"raw": 196610`, `"lo": 2`, `"hi": 3`, `"first": 7`, `"last": 0`,
		}},
		{"array", ebpf.Array, "uint32_t", "struct stats", []byte{1, 0, 0, 0}, []string{
			`"key": 1`, `"packets": 42`, `"comm": "curl"`, `"first": 7`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ctype.NewBTFConverter()
			kt, vt := r.MustParse(tc.key), r.MustParse(tc.val)
			key, err := c.Convert(kt)
			if err != nil {
				t.Fatal(err)
			}
			val, err := c.Convert(vt)
			if err != nil {
				t.Fatal(err)
			}
			m, err := ebpf.NewMap(&ebpf.MapSpec{
				Name: "btf_" + tc.name, Type: tc.typ, MaxEntries: 4,
				KeySize: uint32(kt.Size), ValueSize: uint32(vt.Size), Key: key, Value: val,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			info, err := m.Info()
			if err != nil {
				t.Fatal(err)
			}
			if id, ok := info.BTFID(); !ok || id == 0 {
				t.Fatalf("the kernel did not keep the map's BTF (id %d, %v)", id, ok)
			}
			if err := m.Put(tc.keyBytes, stats); err != nil {
				t.Fatal(err)
			}
			id, _ := info.ID()
			out := kerneltest.RunBpftool(t, "map", "dump", "id", fmt.Sprint(id))
			rest := out
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("bpftool map dump does not show %s (in order); it printed:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}
