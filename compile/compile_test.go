package compile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile"
)

const countSrc = `
local function count(skb)
	xadd(counts[pkt.ip.proto], 1)
end
`

func ExampleSource() {
	prog, err := compile.Source("count.lua", countSrc, &compile.Options{
		Maps: map[string]compile.MapSpec{"counts": {Type: "array", MaxEntries: 256}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(prog.Spec.Name, len(prog.Spec.Instructions), "instructions, maps:", len(prog.Maps))
	// Output: count 12 instructions, maps: 1
}

func TestSourceReportsLuaLine(t *testing.T) {
	_, err := compile.Source("bad.lua", "local f = function(skb)\n  return pkt.ip.proot\nend\n", nil)
	var ce *compile.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a CompileError", err)
	}
	if ce.Pos.Line != 2 || !strings.Contains(ce.Msg, "did you mean 'proto'") {
		t.Errorf("got %v", ce)
	}
}

func TestSourceByNameAndConsts(t *testing.T) {
	src := `
function other(skb) return 1 end
function pick(skb) return LIMIT + #NAME end
`
	prog, err := compile.Source("c.lua", src, &compile.Options{Function: "pick", Consts: map[string]any{"LIMIT": 40, "NAME": "ab"}})
	if err != nil {
		t.Fatal(err)
	}
	if prog.Spec.Name != "pick" {
		t.Errorf("compiled %q", prog.Spec.Name)
	}
	if got := fmt.Sprint(prog.Spec.Instructions); !strings.Contains(got, "42") {
		t.Errorf("LIMIT + #NAME did not fold to 42:\n%v", got)
	}
}

func TestSourceInlinesTheFilesFunctions(t *testing.T) {
	src := `
local function scale(x) if x > 10 then return x * 2 end return x end
function kernel(skb) return scale(LIMIT) + scale(3) end
`
	prog, err := compile.Source("c.lua", src, &compile.Options{Function: "kernel", Consts: map[string]any{"LIMIT": 20}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(prog.Spec.Instructions); !strings.Contains(got, "43") {
		t.Errorf("scale(20) + scale(3) did not fold to 43:\n%v", got)
	}
}

// An inlined function's instructions carry its own lines, so verifier
// errors and line info point into it.
func TestInlinedCodeKeepsItsLines(t *testing.T) {
	src := `
local function bump(i)
	xadd(counts[i], 1)
end
function kernel(skb)
	bump(skb.len)
end
`
	prog, err := compile.Source("c.lua", src, &compile.Options{Function: "kernel",
		Maps: map[string]compile.MapSpec{"counts": {Type: "array", MaxEntries: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]bool{}
	for _, ins := range prog.Spec.Instructions {
		if l, ok := ins.Source().(*compile.Line); ok {
			lines[l.Pos.Line] = true
		}
	}
	if !lines[3] || !lines[6] {
		t.Errorf("instructions come from lines %v, want the callee's 3 and the call's 6 among them", lines)
	}
}

// FuzzCompile feeds arbitrary Lua to the compiler: it must return a
// program or an ordinary error, never panic or fail internally.
func FuzzCompile(f *testing.F) {
	paths, _ := filepath.Glob("../internal/pipeline/testdata/lua/*.lua")
	seeds, _ := filepath.Glob("../testdata/seed/*.lua")
	paths = append(paths, seeds...)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add(countSrc)
	opts := &compile.Options{Maps: map[string]compile.MapSpec{
		"map":    {Type: "hash", MaxEntries: 16},
		"counts": {Type: "array", ValueType: "uint64_t", MaxEntries: 16},
		"flows":  {Type: "hash", KeyType: "struct { uint32_t a; uint16_t b; }", MaxEntries: 16},
		"vlans":  {Type: "array", MaxEntries: 16},
	}, Consts: map[string]any{"K": 3}}
	f.Fuzz(func(t *testing.T, src string) {
		// As a socket filter, and with direct packet access and writes.
		for _, k := range []compile.Kind{compile.SocketFilter, compile.XDP, compile.TC} {
			o := *opts
			o.Kind = k
			_, err := compile.Source("fuzz.lua", src, &o)
			if err != nil && strings.Contains(err.Error(), "internal compiler error") {
				t.Fatalf("kind %d: %v\nsource:\n%s", k, err, src)
			}
		}
	})
}

func TestSourceRejectsUnknownKind(t *testing.T) {
	_, err := compile.Source("k.lua", "local f = function(skb) return 1 end\n", &compile.Options{Kind: compile.Kind(7)})
	if err == nil || !strings.Contains(err.Error(), "unknown program kind 7") {
		t.Fatalf("compiling as kind 7: %v", err)
	}
}

// TestBuiltinMessagesComeFromTheTable checks the messages for builtins
// that exist but cannot be used: one not lowered yet, one the program
// kind may not call.
func TestBuiltinMessagesComeFromTheTable(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"probe_read(1, 1)", "k.lua:2: probe_read is not available in socket filter programs"},
		{"perf_submit(events, 1)", "k.lua:2: perf_submit sends a stack object made with ffi.new; this is a number"},
		{"stack_id(events, 0)", "k.lua:2: stack_id is not available in socket filter programs"},
	} {
		src := "local f = function(skb)\n\t" + tc.body + "\nend\n"
		_, err := compile.Source("k.lua", src, &compile.Options{Maps: map[string]compile.MapSpec{"events": {Type: "perf_event_array"}}})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q...", tc.body, err, tc.want)
		}
	}
}
