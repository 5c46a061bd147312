package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The original toolkit's own busted specs (testdata/spec, unchanged
// below a header naming their origin) run under `luabpf run` through
// busted.lua, a small stand-in for busted. Their kernel functions
// compile and load; only what cannot hold for luabpf fails:
//
//   - codegen_spec compares each function's disassembly with the
//     instructions the original emitted; luabpf's code generator and its
//     disassembly differ, so that one comparison fails in every case.
//   - compile_spec checks that its program has 15 instructions, the
//     original's count; luabpf's has fewer.
//   - decoder_spec needs LuaJIT bytecode, which gopher-lua has not:
//     require('bpf.ljbytecode') says so.
//
// The tests run the files as they are, checking that these are the only
// failures, and then with those two comparisons replaced by what a user
// can rely on (a disassembly, the program loading when attached; no
// more instructions than the original), checking that every case passes.

// specDir is where the spec files and the shim are.
const specDir = "testdata/spec"

// specOutcome is what busted.lua printed for one `it` (or a describe
// that failed to run): ok, and the message when it failed.
type specOutcome struct {
	ok  bool
	msg string
}

var specLine = regexp.MustCompile(`^(ok|FAIL) (.*?)(?:: (.*))?$`)

// runSpec runs busted.lua over the spec file name in a copy of specDir
// where edit has rewritten it, with the original's helper first when
// helper is set, and returns the outcome of each case by its path.
func runSpec(t *testing.T, name string, helper bool, edit func(string) string) map[string]specOutcome {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir(specDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(specDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		if e.Name() == name && edit != nil {
			text = edit(text)
		}
		writeScript(t, dir, e.Name(), text)
	}
	args := []string{"run", "busted.lua"}
	if helper {
		args = append(args, "--helper", "helper.lua")
	}
	r := execLuabpf(t, dir, append(args, name)...)
	if r.stderr != "" {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	out := map[string]specOutcome{}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	failed := 0
	for _, l := range lines[:len(lines)-1] {
		m := specLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q is not a case's outcome; stdout:\n%s", l, r.stdout)
		}
		out[m[2]] = specOutcome{ok: m[1] == "ok", msg: m[3]}
		if m[1] == "FAIL" {
			failed++
		}
	}
	want := 0
	if failed > 0 {
		want = 1
	}
	if r.code != want {
		t.Errorf("exit status %d with %d failures, want %d", r.code, failed, want)
	}
	return out
}

// replaceLine replaces the one line of text whose trimmed content is
// old, failing the test when there is not exactly one.
func replaceLine(t *testing.T, old, new string) func(string) string {
	return func(text string) string {
		lines := strings.Split(text, "\n")
		n := 0
		for i, l := range lines {
			if strings.TrimSpace(l) == old {
				lines[i] = strings.Replace(l, old, new, 1)
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d lines are %q, want 1", n, old)
		}
		return strings.Join(lines, "\n")
	}
}

// specLineOf returns the 1-based line of the spec file name whose trimmed
// content is s.
func specLineOf(t *testing.T, name, s string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(specDir, name))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == s {
			return i + 1
		}
	}
	t.Fatalf("%s has no line %q", name, s)
	return 0
}

// countIts counts the `it` blocks of a spec file.
func countIts(t *testing.T, name string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(specDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return len(regexp.MustCompile(`(?m)^\s*it\(`).FindAll(data, -1))
}

const (
	expectLine = "assert.same(normalize_code(t.expect), got)"
	pcLine     = "assert.same(code.pc, 15)"
)

// TestOriginalCodegenSpec: every case of the codegen spec compiles and
// loads; as the file stands, each fails only at the comparison with the
// original's disassembly.
func TestOriginalCodegenSpec(t *testing.T) {
	kerneltest.Require(t)
	const name = "codegen_spec.lua"
	its := countIts(t, name)
	at := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `:` + strconv.Itoa(specLineOf(t, name, expectLine)) + `: expected the same as `)
	t.Run("verbatim", func(t *testing.T) {
		out := runSpec(t, name, true, nil)
		if len(out) != its {
			t.Errorf("%d outcomes, want one per it (%d)", len(out), its)
		}
		for path, o := range out {
			if !o.ok && !at.MatchString(o.msg) {
				t.Errorf("%s: %s; want it to fail only at the disassembly comparison", path, o.msg)
			}
		}
	})
	// With the original's helper its mock maps are hash maps (its
	// syscall.c.BPF_MAP is empty), which the kernel creates for every
	// case: each program is attached to a socket, so the verifier sees
	// it. With luabpf's syscall module they are of the type named, and
	// six are array maps with 16-byte keys, which compile (the original
	// never created its mocks) but which the kernel refuses; those run
	// compile-only.
	attach := "assert.truthy(#got > 0) bpf.socket('lo', code) assert.truthy(code.fd)"
	for _, c := range []struct {
		label, check string
		helper       bool
	}{
		{"loads/original helper", attach, true},
		{"compiles/luabpf's syscall", "assert.truthy(#got > 0)", false},
	} {
		t.Run(c.label, func(t *testing.T) {
			out := runSpec(t, name, c.helper, replaceLine(t, expectLine, c.check))
			if len(out) != its {
				t.Errorf("%d outcomes, want %d", len(out), its)
			}
			for path, o := range out {
				if !o.ok {
					t.Errorf("%s: %s", path, o.msg)
				}
			}
		})
	}
}

// TestOriginalCompileSpec: the compile spec's socket filter compiles to
// a table with pc; the original's count, 15, is more than luabpf's. It
// loads, with a kernel map made from the table standing for one.
func TestOriginalCompileSpec(t *testing.T) {
	kerneltest.Require(t)
	const name, path = "compile_spec.lua", "compile / can compile socket filter"
	out := runSpec(t, name, true, nil)
	o, ok := out[path]
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name) + `:` + strconv.Itoa(specLineOf(t, name, pcLine)) + `: expected the same as (\d+), got 15$`)
	m := re.FindStringSubmatch(o.msg)
	if !ok || o.ok || m == nil || len(out) != 1 {
		t.Fatalf("outcomes %v, want one failure at the count of 15", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 15 {
		t.Errorf("pc is %d, want 1 to 15", n)
	}
	out = runSpec(t, name, true, replaceLine(t, pcLine,
		"assert.truthy(code.pc > 0 and code.pc <= 15) bpf.socket('lo', code) assert.truthy(code.fd)"))
	if o := out[path]; !o.ok || len(out) != 1 {
		t.Errorf("outcomes %v, want %q ok", out, path)
	}
}

// TestOriginalELFSpec: the elf spec passes as it stands, with the
// original's helper and without.
func TestOriginalELFSpec(t *testing.T) {
	kerneltest.Require(t)
	for _, helper := range []bool{true, false} {
		out := runSpec(t, "elf_spec.lua", helper, nil)
		for _, path := range []string{"elf reader / should handle C library", "elf reader / should fail on bad input"} {
			if o, ok := out[path]; !ok || !o.ok {
				t.Errorf("helper %v: %s: %v", helper, path, o)
			}
		}
		if len(out) != 2 {
			t.Errorf("helper %v: outcomes %v, want 2", helper, out)
		}
	}
}

// TestOriginalDecoderSpec: the decoder spec stops at its require of
// bpf.ljbytecode with a message saying there is no LuaJIT bytecode.
func TestOriginalDecoderSpec(t *testing.T) {
	kerneltest.Require(t)
	const name = "decoder_spec.lua"
	out := runSpec(t, name, true, nil)
	o, ok := out["decoder"]
	line := specLineOf(t, name, "local bytecode = require('bpf.ljbytecode')")
	if !ok || o.ok || !strings.HasPrefix(o.msg, name+":"+strconv.Itoa(line)+": ") || !strings.Contains(o.msg, "LuaJIT bytecode") || len(out) != 1 {
		t.Errorf("outcomes %v, want the describe to fail at line %d naming LuaJIT bytecode", out, line)
	}
}
