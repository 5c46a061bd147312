package compile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/proto"
)

// fuzzKinds are the kinds FuzzCompileKinds compiles as: the probe kinds,
// whose contexts (pt_regs), builtins and memory (probe reads) differ
// from the packet kinds FuzzCompile covers. Tracepoints need a format
// and are left out.
var fuzzKinds = []compile.Kind{proto.KprobeKind, proto.UprobeKind}

// FuzzCompileKinds is FuzzCompile for kprobes and uprobes, with the
// tracing maps (perf events, stacks, a ring buffer) bound too, seeded
// with the examples and every seed script (tracing ones included) as
// each kind.
func FuzzCompileKinds(f *testing.F) {
	var paths []string
	for _, g := range []string{"../internal/pipeline/testdata/lua/*.lua", "../testdata/seed/*.lua", "../examples/*.lua"} {
		p, _ := filepath.Glob(g)
		paths = append(paths, p...)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for k := range fuzzKinds {
			f.Add(string(b), uint8(k))
		}
	}
	f.Add("local f = function(ptregs)\n\tlocal p = ffi.cast('struct { int x; } *', ptregs.parm1)\n\txadd(counts[p.x], 1)\n\tperf_submit(events, ffi.new('struct { uint64_t ts; }', time()))\nend\n", uint8(0))
	f.Add("local f = function(ptregs)\n\tlocal buf = ffi.new('char [32]')\n\tffi.copy(buf, ffi.string(ffi.cast('char *', ptregs.parm1)))\n\tstack_id(stacks, 0)\n\treturn 0\nend\n", uint8(1))
	opts := map[compile.Kind]*compile.Options{}
	for _, k := range fuzzKinds {
		opts[k] = &compile.Options{Kind: k, Maps: map[string]compile.MapSpec{
			"map":    {Type: "hash", MaxEntries: 16},
			"counts": {Type: "array", ValueType: "uint64_t", MaxEntries: 16},
			"flows":  {Type: "hash", KeyType: "struct { uint32_t a; uint16_t b; }", MaxEntries: 16},
			"events": {Type: "perf_event_array"},
			"ring":   {Type: "ringbuf", MaxEntries: 4096},
			"stacks": {Type: "stack_trace", MaxEntries: 16},
		}, Consts: map[string]any{"K": 3}}
	}
	f.Fuzz(func(t *testing.T, src string, kind uint8) {
		k := fuzzKinds[int(kind)%len(fuzzKinds)]
		_, err := compile.Source("fuzz.lua", src, opts[k])
		if err != nil && strings.Contains(err.Error(), "internal compiler error") {
			t.Fatalf("%v\nkind %d, source:\n%s", err, k, src)
		}
	})
}
