package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// Errors from the bpf module, as a user sees them: the original raises
// (exit status 1, the script's file:line and a sentence) where it
// asserts, and returns nil and a message where it returns those.
func TestBPFModuleErrors(t *testing.T) {
	kerneltest.Require(t)
	const pre = "local bpf = require('bpf')\nlocal ffi = require('ffi')\n"
	for _, tc := range []cliCase{
		{
			name:   "unknown interface",
			script: pre + "bpf.socket('nosuch0', function (skb) return 0 end)\nprint('not reached')\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: bpf\.socket: 'nosuch0' is not a network interface \(interfaces here: lo`,
		},
		{
			name:   "arguments swapped",
			script: pre + "bpf.socket(function (skb) return 0 end, 'lo')\nprint('not reached')\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: bad argument #1 to socket \(.*are the arguments swapped\?\)`,
		},
		{
			// The original returns nil and a message here.
			name:   "socket of nothing",
			script: pre + "print(bpf.socket(nil, function (skb) return 0 end))\n",
			stdout: "^nil\tbpf.socket needs an interface name or a socket descriptor number, not nil\n$", stderr: "^$",
		},
		{
			name:   "bad descriptor",
			script: pre + "bpf.socket(12345, function (skb) return 0 end)\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: bpf\.socket: cannot attach the filter to descriptor 12345: bad file descriptor\n`,
		},
		{
			name:   "negative max_entries",
			script: pre + "local m = bpf.map('hash', -5)\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: bad argument #2 to map \(max_entries must be a whole number from 1 to 4294967295, not -5\)`,
		},
		{
			name:   "array key size",
			script: pre + "local m = assert(bpf.map('array', 4, ffi.typeof('uint64_t')))\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: cannot create the array map: array maps need 4-byte keys \(uint32_t\), not 8-byte ones\n`,
		},
		{
			name:   "map too big",
			script: pre + "local m = assert(bpf.map('hash', 400000000, nil, ffi.typeof('char [4000]')))\n",
			code:   1, stdout: "^$",
			stderr: `^luabpf: script\.lua:3: cannot create the hash map: (the kernel finds it too big|not enough kernel memory for it) \(4-byte keys, 4000-byte values, 400000000 entries\)`,
		},
		{
			// The original returns nil and the reason from bpf.map.
			name:   "map failure returned",
			script: pre + "local m, err = bpf.map('array', 4, ffi.typeof('uint64_t'))\nprint(m, err)\n",
			stdout: "^nil\tcannot create the array map: array maps need 4-byte keys", stderr: "^$",
		},
		{
			name:   "dump of nil",
			script: pre + "bpf.dump(nil)\nprint('ok')\n",
			stdout: "^ok\n$", stderr: "^$",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeScript(t, dir, "script.lua", tc.script)
			r := execLuabpf(t, dir, "run", "script.lua")
			checkResult(t, tc, r)
			checkNoGoText(t, r.stderr)
		})
	}
}

// checkNoGoText fails when an error shows Go or cilium/ebpf internals.
func checkNoGoText(t *testing.T, stderr string) {
	t.Helper()
	for _, bad := range []string{"userdata: 0x", "rlimit", "MEMLOCK", "goroutine", ".go:"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr shows %q:\n%s", bad, stderr)
		}
	}
}

// Capabilities (linux/capability.h).
const (
	capDacReadSearch = 2
	capNetAdmin      = 12
	capNetRaw        = 13
	capSysAdmin      = 21
	capPerfmon       = 38
	capBPF           = 39
)

// TestPrivilegeErrors runs scripts as an unprivileged user with a few
// capabilities and checks each refusal names the capability missing.
func TestPrivilegeErrors(t *testing.T) {
	kerneltest.Require(t)
	// The user must reach the binary; the script comes on stdin.
	if err := os.Chmod(filepath.Dir(luabpfBin), 0o755); err != nil {
		t.Fatal(err)
	}
	const pre = "local bpf = require('bpf')\n"
	for _, tc := range []struct {
		name   string
		caps   []uintptr
		script string
		stderr string
	}{
		{"map without CAP_BPF", nil, pre + "local m = assert(bpf.map('hash', 4))\n",
			`^luabpf: stdin:2: cannot create the hash map: creating BPF maps needs root, or CAP_BPF \(operation not permitted\)\n`},
		{"load without CAP_BPF", nil, pre + "bpf.socket('lo', function (skb) return 0 end)\n",
			`^luabpf: stdin:2: cannot load the kernel function: loading BPF programs needs root, or CAP_BPF \(operation not permitted\)\n`},
		{"load with print without CAP_BPF", nil, pre + "bpf.socket('lo', function (skb) print('x') return 0 end)\n",
			`^luabpf: stdin:2: cannot load the kernel function: loading BPF programs needs root, or CAP_BPF and CAP_PERFMON \(print in kernel code needs CAP_PERFMON\)`},
		{"packet socket without CAP_NET_RAW", []uintptr{capBPF}, pre + "bpf.socket('lo', function (skb) return 0 end)\n",
			`^luabpf: stdin:2: bpf\.socket: opening a packet socket on lo needs root, or CAP_NET_RAW \(operation not permitted\)\n`},
		{"print without CAP_PERFMON", []uintptr{capBPF, capNetRaw}, pre + "bpf.socket('lo', function (skb)\n\tprint('x')\n\treturn 0\nend)\n",
			`^luabpf: stdin:3: the kernel verifier rejected this code .*; print in kernel code needs CAP_PERFMON \(or root\)`},
		{"print with CAP_PERFMON", []uintptr{capBPF, capNetRaw, capPerfmon}, pre + "bpf.socket('lo', function (skb)\n\tprint('x')\n\treturn 0\nend)\nprint('attached')\n",
			``},
		{"tracepoint format without root", []uintptr{capBPF, capPerfmon}, pre + "bpf.tracepoint('sched/sched_switch', function (arg) end)\n",
			`^luabpf: stdin:2: reading the format of tracepoint 'sched/sched_switch' needs root, or CAP_DAC_READ_SEARCH besides CAP_BPF and CAP_PERFMON \(tracefs: permission denied\)\n    \S.*\n$`},
		{"tracepoint without CAP_PERFMON", []uintptr{capBPF, capDacReadSearch}, pre + "bpf.tracepoint('sched/sched_switch', function (arg) end)\n",
			`^luabpf: stdin:2: cannot load the kernel function: loading BPF programs needs root, or CAP_BPF and CAP_PERFMON \(tracing programs need CAP_PERFMON\) \(operation not permitted\)\n    \S.*\n$`},
		{"tracepoint with its capabilities", []uintptr{capBPF, capPerfmon, capDacReadSearch}, pre + "bpf.tracepoint('sched/sched_switch', function (arg) end)\nprint('attached')\n",
			``},
		{"uprobe without CAP_PERFMON", []uintptr{capBPF}, pre + "bpf.uprobe('c:malloc', function (ptregs) end)\n",
			`^luabpf: stdin:2: cannot load the kernel function: loading BPF programs needs root, or CAP_BPF and CAP_PERFMON \(tracing programs need CAP_PERFMON\) \(operation not permitted\)\n    \S.*\n$`},
		{"uprobe without CAP_SYS_ADMIN", []uintptr{capBPF, capPerfmon}, pre + "bpf.uprobe('c:malloc', function (ptregs) end)\n",
			`^luabpf: stdin:2: attach uprobe on c:malloc: permission denied \(uprobes need root, or CAP_SYS_ADMIN besides CAP_BPF and CAP_PERFMON\)\n    \S.*\n$`},
		{"uprobe with its capabilities", []uintptr{capBPF, capPerfmon, capSysAdmin}, pre + "bpf.uprobe('c:malloc', function (ptregs) end)\nprint('attached')\n",
			``},
		{"XDP without CAP_NET_ADMIN", []uintptr{capBPF}, pre + "bpf.xdp('lo', function (ctx) return 2 end)\n",
			`^luabpf: stdin:2: cannot load the kernel function: loading BPF programs needs root, or CAP_BPF and CAP_NET_ADMIN \(XDP programs need CAP_NET_ADMIN\) \(operation not permitted\)\n    \S.*\n$`},
		{"XDP with its capabilities", []uintptr{capBPF, capNetAdmin}, pre + "bpf.xdp('lo', function (ctx) return 2 end)\nprint('attached')\n",
			``},
		{"trace log without root", nil, pre + "for line in bpf.tracelog() do print(line) end\n",
			`^luabpf: stdin:2: bpf\.tracelog: reading the trace log needs root \(open \S+/trace_pipe: permission denied\)\n    \S.*\n$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(luabpfBin, "run", "-")
			cmd.Dir = "/"
			cmd.Stdin = strings.NewReader(tc.script)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Credential:  &syscall.Credential{Uid: 65534, Gid: 65534},
				AmbientCaps: tc.caps,
			}
			err := cmd.Run()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			code := cmd.ProcessState.ExitCode()
			if tc.stderr == "" {
				if code != 0 || stdout.String() != "attached\n" {
					t.Errorf("exit status %d, stdout %q, stderr:\n%s\nwant 0 and the script to attach", code, stdout.String(), stderr.String())
				}
				return
			}
			if code != 1 || !regexp.MustCompile(tc.stderr).MatchString(stderr.String()) {
				t.Errorf("exit status %d, stderr:\n%s\nwant 1 and stderr matching %q", code, stderr.String(), tc.stderr)
			}
			// One line says what is missing; only the script's line may
			// follow it, indented.
			for _, l := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")[1:] {
				if !strings.HasPrefix(l, "    ") {
					t.Errorf("stderr has more than the one line:\n%s", stderr.String())
					break
				}
			}
			checkNoGoText(t, stderr.String())
		})
	}
}
