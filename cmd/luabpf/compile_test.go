package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

const compileUsageRE = `(?s)^Usage: luabpf compile \[flags\] SCRIPT.*syscall\.sleep.*-o FILE`

// counter is a script with a socket filter counting into a map it seeds,
// then a loop that would wait.
const counter = `local bpf = require('bpf')
local S = require('syscall')
local hits = bpf.map('hash', 8)
hits[1] = 0
bpf.socket('lo', function (skb)
	xadd(hits[1], 1)
end)
print('attached', arg[1])
while true do S.sleep(1) end
`

// A compileCase is a cliCase for `luabpf compile`, with the object files
// it must leave in the directory (nil: none may exist).
type compileCase struct {
	cliCase
	objects map[string][]string // file: the programs it must hold
}

var compileCases = []compileCase{
	{cliCase: cliCase{name: "help", args: []string{"compile", "--help"}, stdout: compileUsageRE, stderr: "^$"}},
	{cliCase: cliCase{name: "help in main usage", args: []string{"help"}, stdout: `luabpf compile \[flags\] SCRIPT`}},
	{cliCase: cliCase{name: "missing script", args: []string{"compile"}, code: 2, stdout: "^$",
		stderr: `(?s)^luabpf compile: missing SCRIPT\n\nUsage: luabpf compile`}},
	{cliCase: cliCase{name: "stdin needs -o", args: []string{"compile", "-"}, stdin: counter, code: 2, stdout: "^$",
		stderr: `needs -o FILE`}},
	{cliCase: cliCase{name: "unknown flag", args: []string{"compile", "--frob", "script.lua"}, script: counter, code: 2, stdout: "^$",
		stderr: `frob`}},
	{
		cliCase: cliCase{name: "output after script", args: []string{"compile", "script.lua", "-o", "out.o"}, script: counter,
			stdout: "^attached\tnil\n$", stderr: `^luabpf compile: note: script\.lua:4: the script stores 1 entry into map 'hits'`},
		objects: map[string][]string{"out.o": {"fn_5"}},
	},
	{
		cliCase: cliCase{name: "default output", args: []string{"compile", "script.lua"}, script: counter, stdout: "^attached\tnil\n$"},
		objects: map[string][]string{"script.o": {"fn_5"}},
	},
	{
		cliCase: cliCase{name: "flags before script, args after --", args: []string{"compile", "-v", "--output=x.o", "script.lua", "--", "-o", "y.o"},
			script: counter, stdout: "^attached\t-o\n$",
			stderr: `(?m)^luabpf compile: wrote x\.o\nprogram fn_5: socket filter, section socket \(the script attaches it to interface lo\)\n` +
				`map hits: hash, uint32_t -> uint32_t, 8 entries\nstopped at script\.lua:9: syscall\.sleep\n$`},
		objects: map[string][]string{"x.o": {"fn_5"}},
	},
	{
		cliCase: cliCase{name: "stdin", args: []string{"compile", "-o", "in.o", "-"}, stdin: counter, stdout: "^attached\tnil\n$",
			stderr: `stdin:4: the script stores`},
		objects: map[string][]string{"in.o": {"fn_5"}},
	},
	{
		cliCase: cliCase{name: "object to stdout", args: []string{"compile", "-o", "-", "script.lua"}, script: counter,
			stdout: "^\x7fELF", stderr: `(?s)^attached\tnil\n.*note`},
	},
	{
		cliCase: cliCase{name: "dump", args: []string{"compile", "--dump", "asm", "script.lua"}, script: counter,
			stdout: "^attached\tnil\n$", stderr: `(?m)^-- fn_5: asm\n`},
		objects: map[string][]string{"script.o": {"fn_5"}},
	},
	{cliCase: cliCase{name: "no kernel function", args: []string{"compile", "script.lua"}, script: "print('hello')\n",
		code: 1, stdout: "^hello\n$", stderr: `^luabpf compile: the script compiles no kernel function`}},
	{cliCase: cliCase{name: "exit status", args: []string{"compile", "script.lua"},
		script: "local bpf = require('bpf')\nbpf(function (skb) return 1 end)\nos.exit(3)\n",
		code:   3, stdout: "^$", stderr: `^luabpf compile: the script exited with status 3; script\.o not written\n$`}},
	{
		cliCase: cliCase{name: "exit zero", args: []string{"compile", "script.lua"},
			script: "local bpf = require('bpf')\nbpf(function (skb) return 1 end)\nos.exit(0)\n", stderr: "^$"},
		objects: map[string][]string{"script.o": {"fn_2"}},
	},
	{cliCase: cliCase{name: "compile error", args: []string{"compile", "script.lua"},
		script: "local bpf = require('bpf')\n\nbpf.socket('lo', function (skb) return pkt.ip.proot end)\n",
		code:   1, stdout: "^$",
		check: wantCompileError(3, "proot", "bpf.socket('lo', function (skb) return pkt.ip.proot end)")}},
	{cliCase: cliCase{name: "script error", args: []string{"compile", "script.lua"}, script: "error('boom')\n",
		code: 1, stdout: "^$", stderr: `^luabpf: script\.lua:1: boom\n`}},
}

func TestCompileCLI(t *testing.T) {
	for _, tc := range compileCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, how := range []string{"exec", "run"} {
				t.Run(how, func(t *testing.T) {
					dir := t.TempDir()
					if tc.script != "" {
						writeScript(t, dir, "script.lua", tc.script)
					}
					var r result
					if how == "exec" {
						r = execLuabpfStdin(t, dir, tc.stdin, tc.args...)
					} else {
						// run resolves paths against the process's
						// directory: make them the test directory's.
						args := append([]string(nil), tc.args...)
						for i, a := range args {
							if strings.HasSuffix(a, ".o") || strings.HasPrefix(a, "--output=") {
								k, v, ok := strings.Cut(a, "=")
								if ok {
									args[i] = k + "=" + filepath.Join(dir, v)
								} else {
									args[i] = filepath.Join(dir, a)
								}
							}
						}
						r = callRunStdin(t, dir, tc.stdin, args...)
						r.stderr = strings.ReplaceAll(r.stderr, dir+"/", "")
					}
					checkResult(t, tc.cliCase, r)
					checkObjects(t, dir, tc.objects)
					if tc.name == "object to stdout" {
						checkObject(t, "stdout", []byte(r.stdout), []string{"fn_5"})
					}
				})
			}
		})
	}
}

// checkObjects checks that dir holds exactly the objects listed, each
// with its programs as cilium/ebpf reads them.
func checkObjects(t *testing.T, dir string, objects map[string][]string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.o"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(files) != len(objects) || len(hidden) > 0 {
		t.Errorf("directory holds %q and %q, want the objects %v and no temporary files", files, hidden, objects)
	}
	for name, progs := range objects {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("object %s: %v", name, err)
			continue
		}
		checkObject(t, name, b, progs)
	}
}

func checkObject(t *testing.T, name string, b []byte, progs []string) {
	t.Helper()
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(b))
	if err != nil {
		t.Errorf("%s: LoadCollectionSpec: %v", name, err)
		return
	}
	if len(spec.Programs) != len(progs) {
		t.Errorf("%s holds %d programs, want %q", name, len(spec.Programs), progs)
	}
	for _, p := range progs {
		if spec.Programs[p] == nil {
			t.Errorf("%s has no program %s", name, p)
		}
	}
}

// TestCompileDeterministic: the same script gives the same object.
func TestCompileDeterministic(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "script.lua", counter)
	var objs [][]byte
	for _, out := range []string{"a.o", "b.o"} {
		if r := execLuabpf(t, dir, "compile", "script.lua", "-o", out); r.code != 0 {
			t.Fatalf("compile: %d\n%s", r.code, r.stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, out))
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, b)
	}
	if !bytes.Equal(objs[0], objs[1]) {
		t.Errorf("two compilations of one script differ")
	}
}
