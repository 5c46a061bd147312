package pipeline

import (
	"testing"

	"github.com/luabpf/luabpf/internal/disasm"
)

func TestSeedSocketExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		mapT string
		key  string
		val  string
		max  int
	}{
		{"sock-proto.lua", "hash", "uint32_t", "uint32_t", 256},
		{"sock-protolen.lua", "array", "uint32_t", "uint64_t", 256},
		{"sock-parse-dns.lua", "array", "uint32_t", "uint32_t", 256},
		{"sock-parse-http.lua", "hash", "uint32_t", "uint32_t", 64},
	} {
		t.Run(tc.file, func(t *testing.T) {
			env := newEnv(t)
			env.addMap(t, "map", tc.mapT, tc.max, tc.key, tc.val)
			res, err := compileFirst(t, tc.file, readSeed(t, tc.file), env)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d slots\n%s", res.Slots(), disasm.Format(res.Insns, nil))
		})
	}
}
