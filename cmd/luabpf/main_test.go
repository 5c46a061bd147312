package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testVersion is stamped into the test binary the way a release build sets
// the version, so `luabpf version` shows that the -X flag reaches it.
const testVersion = "9.8.7-test"

// luabpfBin is the luabpf binary TestMain builds, which the tests execute
// as a user would.
var luabpfBin string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "luabpf-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	luabpfBin = filepath.Join(dir, "luabpf")
	build := exec.Command("go", "build", "-o", luabpfBin,
		"-ldflags", "-X main.version="+testVersion, "github.com/luabpf/luabpf/cmd/luabpf")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build luabpf: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// result is what one invocation of luabpf did.
type result struct {
	code           int
	stdout, stderr string
	script         string // the script path luabpf was given, if any
}

// execLuabpf runs the built binary with args in dir and returns its exit
// status and output.
func execLuabpf(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return execLuabpfStdin(t, dir, "", args...)
}

// execLuabpfStdin is execLuabpf with stdin as standard input.
func execLuabpfStdin(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(luabpfBin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("luabpf %s: %v", strings.Join(args, " "), err)
	}
	return result{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String(), scriptArg(args)}
}

// callRun calls run in this process, with dir as the working directory
// the relative script paths are resolved against.
func callRun(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return callRunStdin(t, dir, "", args...)
}

// callRunStdin is callRun with stdin as standard input.
func callRunStdin(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	for i, a := range args {
		if strings.HasSuffix(a, ".lua") && !filepath.IsAbs(a) {
			args[i] = filepath.Join(dir, a)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String(), scriptArg(args)}
}

// scriptArg returns the first argument naming a Lua script.
func scriptArg(args []string) string {
	for _, a := range args {
		if strings.HasSuffix(a, ".lua") {
			return a
		}
	}
	return ""
}

// writeScript writes a Lua script into dir.
func writeScript(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A cliCase is one invocation and what the user should see.
type cliCase struct {
	name   string
	args   []string
	script string // written to script.lua when set
	stdin  string // luabpf's standard input
	code   int
	// stdout and stderr are regular expressions the streams must match;
	// "^$" means the stream must be empty.
	stdout, stderr string
	// check, when set, checks the result further.
	check func(t *testing.T, r result)
}

const usageRE = `(?s)^luabpf runs Lua scripts.*Usage:.*luabpf run \[flags\] SCRIPT`

const runUsageRE = `(?s)^Usage: luabpf run \[flags\] SCRIPT.*--dump=STAGES.*--verifier-log.*interrupted!`

// kernelFn is a script with a kernel function, compiled (not loaded, so
// no kernel is needed) by bpf(fn).
const kernelFn = "local bpf = require('bpf')\nlocal prog = bpf(function(skb) return 1 end)\nprint('compiled')\n"

var cliCases = []cliCase{
	{name: "help", args: []string{"help"}, stdout: usageRE, stderr: "^$"},
	{name: "-h", args: []string{"-h"}, stdout: usageRE, stderr: "^$"},
	{name: "--help", args: []string{"--help"}, stdout: usageRE, stderr: "^$"},
	{name: "run --help", args: []string{"run", "--help"}, stdout: runUsageRE, stderr: "^$"},
	{name: "run -h", args: []string{"run", "-h"}, stdout: runUsageRE, stderr: "^$"},
	{name: "run --help before script", args: []string{"run", "--help", "script.lua"},
		script: "print('must not run')\n", stdout: runUsageRE, stderr: "^$"},
	{name: "help pkt", args: []string{"help", "pkt"}, stdout: `(?s)^pkt \(alias eth\).*\nip \(20 bytes\)\n.*  proto +1 byte at 9\n.*  next: ah, data, gre, icmp, tcp, udp\n`, stderr: "^$"},
	{name: "help pkt udp", args: []string{"help", "pkt", "udp"}, stdout: `(?s)^udp \(8 bytes\)\n  src_port +2 bytes at 0\n`, stderr: "^$"},
	{name: "help ctx", args: []string{"help", "ctx"}, stdout: `(?m)^socket filter: struct __sk_buff\n(?s:.*)^  cb +5 x 4 bytes at 48 +read, write$`, stderr: "^$"},
	{name: "help builtins", args: []string{"help", "builtins"}, stdout: `(?m)^  load_bytes +two or three arguments: load_bytes\(offset, buf \[, length\]\) +socket filter, TC$`, stderr: "^$"},
	{name: "help maps", args: []string{"help", "maps"}, stdout: `(?m)^  ringbuf +size in bytes`, stderr: "^$"},
	{name: "help kinds", args: []string{"help", "kinds"}, stdout: `(?m)^  tracepoint +section tracepoint/ +returns nothing`, stderr: "^$"},
	{name: "help unknown topic", args: []string{"help", "pkts"}, code: 2, stdout: "^$", stderr: `^luabpf help: unknown topic "pkts"\nTopics`},
	{name: "help unknown header", args: []string{"help", "pkt", "ipx"}, code: 1, stdout: "^$", stderr: `^luabpf help pkt: no header "ipx"\n$`},
	{name: "-v", args: []string{"-v"}, stdout: `^luabpf \S+\n$`, stderr: "^$"},
	{name: "--version", args: []string{"--version"}, stdout: `^luabpf \S+\n$`, stderr: "^$"},
	{name: "dump with space", args: []string{"run", "--dump", "ir", "script.lua"}, script: kernelFn,
		stdout: "^compiled\n$", stderr: `(?m)^-- \S+: ir\n`},
	{name: "dump with equals", args: []string{"run", "--dump=asm", "script.lua"}, script: kernelFn,
		stdout: "^compiled\n$", stderr: `(?m)^-- \S+: asm\n`},
	{name: "script from stdin", args: []string{"run", "-", "a", "b"},
		stdin:  "print(arg[0], arg[1], arg[2])\nprint(1 + 1)\n",
		stdout: "^stdin\ta\tb\n2\n$", stderr: "^$"},
	{name: "error in stdin script", args: []string{"run", "-"},
		stdin: "print('x')\n\nerror('boom')\n", code: 1, stdout: "^x\n$", stderr: `^luabpf: stdin:3: boom\n`},
	{name: "no-args", args: nil, code: 2, stdout: "^$", stderr: usageRE},
	{name: "unknown-command", args: []string{"frobnicate"}, code: 2, stdout: "^$",
		stderr: `(?s)unknown command "frobnicate".*Usage:`},
	{name: "run-without-script", args: []string{"run"}, code: 2, stdout: "^$",
		stderr: `(?s)missing SCRIPT.*Usage:`},
	{name: "run-bad-dump", args: []string{"run", "--dump=bogus", "script.lua"},
		script: "print('must not run')\n", code: 2, stdout: "^$", stderr: `"bogus"`},
	{name: "run-unknown-flag", args: []string{"run", "--frobnicate", "script.lua"},
		script: "print('must not run')\n", code: 2, stdout: "^$", stderr: `frobnicate`},
	{name: "missing-script", args: []string{"run", "nonexistent.lua"}, code: 1, stdout: "^$",
		stderr: `nonexistent\.lua`},
	{
		name:   "syntax-error",
		args:   []string{"run", "script.lua"},
		script: "print('before')\nlocal x = 1\nprint(x +)\n",
		code:   1, stdout: "^$", stderr: `script\.lua:3: syntax error`,
	},
	{
		name:   "runtime-error",
		args:   []string{"run", "script.lua"},
		script: "print('before')\n\nerror('boom')\n",
		code:   1, stdout: "^before\n$", stderr: `script\.lua:3: boom`,
	},
	{
		name: "compile-error-one-line",
		args: []string{"run", "script.lua"},
		script: "local bpf = require('bpf')\n\n" +
			"local prog = bpf(function(skb) return pkt.ip.proot end)\n" +
			"print('must not run')\n",
		code: 1, stdout: "^$",
		check: wantCompileError(3, "proot", "local prog = bpf(function(skb) return pkt.ip.proot end)"),
	},
	{
		name: "compile-error-inside-function",
		args: []string{"run", "script.lua"},
		script: "local bpf = require('bpf')\n" +
			"local prog = bpf(function(skb)\n" +
			"\tlocal ip = pkt.ip\n" +
			"\tif ip.proot == 17 then return 1 end\n" +
			"\treturn 0\n" +
			"end)\n",
		code: 1, stdout: "^$",
		check: wantCompileError(4, "proot", "if ip.proot == 17 then return 1 end"),
	},
	{
		name:   "error object with __tostring",
		args:   []string{"run", "script.lua"},
		script: "error(setmetatable({}, {__tostring = function () return 'custom failure' end}))\n",
		code:   1, stdout: "^$", stderr: `^luabpf: custom failure\n`,
	},
	{
		name:   "error object without text",
		args:   []string{"run", "script.lua"},
		script: "error({})\n",
		code:   1, stdout: "^$", stderr: `^luabpf: .*script\.lua:1: error object is a table value \(give it a __tostring metamethod to print it\)\n    error\(\{\}\)\n$`,
	},
	{
		name:   "error object raised in a function",
		args:   []string{"run", "script.lua"},
		script: "local function check(n)\n\tif n > 1 then error({code = n}) end\nend\ncheck(2)\n",
		code:   1, stdout: "^$", stderr: `^luabpf: .*script\.lua:2: error object is a table value`,
	},
	{
		name:   "error nil",
		args:   []string{"run", "script.lua"},
		script: "\nerror(nil)\n",
		code:   1, stdout: "^$", stderr: `^luabpf: .*script\.lua:2: error object is nil\n`,
	},
	// LuaJIT's error: a number gets a position as a string does, level 0
	// none, level 2 the caller's, and none when the caller is not Lua.
	{
		name:   "error number",
		args:   []string{"run", "script.lua"},
		script: "error(42)\n",
		code:   1, stdout: "^$", stderr: `^luabpf: .*script\.lua:1: 42\n`,
	},
	{
		name:   "error level 0",
		args:   []string{"run", "script.lua"},
		script: "error('x', 0)\n",
		code:   1, stdout: "^$", stderr: "^luabpf: x\n$",
	},
	{
		name:   "error level 2 at top level",
		args:   []string{"run", "script.lua"},
		script: "error('x', 2)\n",
		code:   1, stdout: "^$", stderr: "^luabpf: x\n$",
	},
	{
		name:   "error level 2 names the caller",
		args:   []string{"run", "script.lua"},
		script: "local function f()\n\terror('bad argument', 2)\nend\nf()\n",
		code:   1, stdout: "^$", stderr: `^luabpf: .*script\.lua:4: bad argument\n    f\(\)\n$`,
	},
	{
		// All the mistakes of a kernel function are reported at once,
		// each with its source line, and nothing runs.
		name: "compile-errors-several",
		args: []string{"run", "script.lua"},
		script: "local bpf = require('bpf')\n" +
			"local prog = bpf(function(skb)\n" +
			"\tlocal ip = pkt.ipp\n" +
			"\tif ip.proto == 17 then return 1 end\n" +
			"\tskb.len = 0\n" +
			"\treturn pkt.ip.proot\n" +
			"end)\n" +
			"print('must not run')\n",
		code: 1, stdout: "^$",
		check: func(t *testing.T, r result) {
			wantCompileError(3, "pkt has no field or next header 'ipp'", "local ip = pkt.ipp")(t, r)
			wantCompileError(5, "cannot write skb.len", "skb.len = 0")(t, r)
			wantCompileError(6, "proot", "return pkt.ip.proot")(t, r)
			// ip's failed definition causes no error where ip is used.
			if n := strings.Count(r.stderr, "script.lua:"); n != 3 {
				t.Errorf("%d errors reported, want 3:\n%s", n, r.stderr)
			}
		},
	},
	{
		name:   "os-exit",
		args:   []string{"run", "script.lua"},
		script: "print('before')\nos.exit(3)\nprint('after')\n",
		code:   3, stdout: "^before\n$", stderr: "^$",
	},
	{
		name:   "os-exit-zero",
		args:   []string{"run", "script.lua"},
		script: "print('before')\nos.exit(0)\nprint('after')\n",
		code:   0, stdout: "^before\n$", stderr: "^$",
	},
	{
		// As in LuaJIT, os.exit ends the script even inside pcall.
		name:   "os-exit-in-pcall",
		args:   []string{"run", "script.lua"},
		script: "print(pcall(os.exit, 3))\nprint('after')\n",
		code:   3, stdout: "^$", stderr: "^$",
	},
	{
		name:   "os-exit-zero-in-pcall-in-coroutine",
		args:   []string{"run", "script.lua"},
		script: "local co = coroutine.wrap(function () pcall(os.exit, 0) print('in') end)\nprint(pcall(co))\nprint('after')\n",
		code:   0, stdout: "^$", stderr: "^$",
	},
	{
		name:   "args",
		args:   []string{"run", "script.lua", "a", "b c", "--dump=asm"},
		script: "print(#arg, arg[0], arg[1], arg[2], arg[3], arg[4])\n",
		code:   0, stderr: "^$",
		check: func(t *testing.T, r result) {
			// The arguments after SCRIPT are the script's, flags included.
			want := "3\t" + r.script + "\ta\tb c\t--dump=asm\tnil\n"
			if r.stdout != want {
				t.Errorf("script printed %q, want %q (arg[0] is the script path)", r.stdout, want)
			}
		},
	},
}

// wantCompileError checks a compile error: its first line names the
// script and line and contains msg, and the next line is the offending
// source line, indented.
func wantCompileError(line int, msg, src string) func(t *testing.T, r result) {
	return func(t *testing.T, r result) {
		t.Helper()
		lines := strings.Split(r.stderr, "\n")
		prefix := fmt.Sprintf("script.lua:%d: ", line)
		for i, l := range lines {
			if !strings.Contains(l, prefix) {
				continue
			}
			if !strings.Contains(l, msg) {
				t.Errorf("error %q does not mention %q", l, msg)
			}
			if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != src ||
				!strings.HasPrefix(lines[i+1], " ") && !strings.HasPrefix(lines[i+1], "\t") {
				t.Errorf("error line is not followed by the indented source line %q:\n%s", src, r.stderr)
			}
			return
		}
		t.Errorf("stderr does not name %q:\n%s", prefix, r.stderr)
	}
}

func TestCLI(t *testing.T) {
	for _, tc := range cliCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tc.script != "" {
				writeScript(t, dir, "script.lua", tc.script)
			}
			t.Run("exec", func(t *testing.T) {
				checkResult(t, tc, execLuabpfStdin(t, dir, tc.stdin, tc.args...))
			})
			t.Run("run", func(t *testing.T) {
				checkResult(t, tc, callRunStdin(t, dir, tc.stdin, append([]string(nil), tc.args...)...))
			})
		})
	}
}

func checkResult(t *testing.T, tc cliCase, r result) {
	t.Helper()
	if r.code != tc.code {
		t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
	}
	for _, s := range []struct{ name, re, got string }{{"stdout", tc.stdout, r.stdout}, {"stderr", tc.stderr, r.stderr}} {
		if s.re != "" && !regexp.MustCompile(s.re).MatchString(s.got) {
			t.Errorf("%s does not match %q:\n%s", s.name, s.re, s.got)
		}
	}
	if tc.check != nil {
		tc.check(t, r)
	}
}

func TestVersion(t *testing.T) {
	if r := execLuabpf(t, t.TempDir(), "version"); r.code != 0 || r.stdout != "luabpf "+testVersion+"\n" || r.stderr != "" {
		t.Errorf("luabpf version: status %d, stdout %q, stderr %q; want 0, %q, empty",
			r.code, r.stdout, r.stderr, "luabpf "+testVersion+"\n")
	}
	if r := callRun(t, t.TempDir(), "version"); r.code != 0 || r.stdout != "luabpf "+version+"\n" {
		t.Errorf("run(version): status %d, stdout %q; want 0, %q", r.code, r.stdout, "luabpf "+version+"\n")
	}
}

// TestExamplesUnchanged checks that the repository's copies (testdata/seed
// at its root) are still the seed examples byte for byte, when the seed is
// at hand.
func TestExamplesUnchanged(t *testing.T) {
	seed := filepath.Join("..", "..", "..", "shared", "seed", "examples")
	if _, err := os.Stat(seed); err != nil {
		t.Skipf("seed examples not found: %v", err)
	}
	for _, name := range append(sockExamples, tracingExamples...) {
		want, err := os.ReadFile(filepath.Join(seed, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(examplePath(name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s", examplePath(name), filepath.Join(seed, name))
		}
	}
}

// sockExamples are the seed's socket filter examples, copied to the
// repository's testdata/seed.
var sockExamples = []string{"sock-proto.lua", "sock-protolen.lua", "sock-parse-dns.lua", "sock-parse-http.lua"}

// tracingExamples are the seed's tracing examples, copied likewise.
var tracingExamples = []string{"tracepoint-offcputime.lua", "uprobe-readline.lua", "uprobe-readline-perf.lua", "kprobe-write.lua", "kprobe-latency.lua", "uprobe-tailkt.lua"}

func examplePath(name string) string { return filepath.Join("..", "..", "testdata", "seed", name) }
