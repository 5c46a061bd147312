package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
)

// TestLoadedChunks: files and strings a script loads itself parse as the
// script does (64-bit literals) and may define kernel functions.
func TestLoadedChunks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec := write("spec.lua", "#!/usr/bin/env luajit\nlocal bpf = require('bpf')\nreturn bpf(function (skb) return 5ULL end), 2ULL\n")
	write("helper_mod.lua", "local bpf = require('bpf')\nreturn {prog = bpf(function (skb) return 1LL end)}\n")
	bad := write("bad.lua", "local x = = 1\n")
	out, err := runQuiet(t, `local p, n = dofile(`+quote(spec)+`)
print(type(p), p.pc, n)
local f = assert(loadfile(`+quote(spec)+`))
print(f().pc)
print(loadstring('return 7ULL')(), load('return 3LL', '=mine')())
print(load('local bpf = require("bpf") return bpf(function () return 1 end)')().pc)
package.path = `+quote(filepath.Join(dir, "?.lua"))+` .. ';' .. package.path
print(require('helper_mod').prog.pc)
print(loadfile(`+quote(bad)+`))
print(select(2, loadstring('x = = 1')))
print(pcall(dofile, `+quote(filepath.Join(dir, "none.lua"))+`))
local a = load('local bpf = require("bpf")\nreturn function ()\nreturn bpf(function () return 1 end)\nend', 'same')()
local b = load('local bpf = require("bpf")\nreturn function ()\nreturn bpf(function (skb) if skb.len > 5 then return 1 end return 2 end)\nend', 'same')()
print(b().pc > 2, a().pc)`)
	if err != nil {
		t.Fatal(source.Detail(err))
	}
	want := []string{
		"table\t2\t2ULL",
		"2",
		"7ULL\t3LL",
		"2",
		"2",
		"nil\t" + bad + ":1:",
		`[string "x = = 1"]:1:`,
		"false\ts.lua:11: cannot open " + filepath.Join(dir, "none.lua") + ": no such file or directory",
		"true\t2",
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("printed:\n%s", out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want it to start %q", i+1, lines[i], w)
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }
