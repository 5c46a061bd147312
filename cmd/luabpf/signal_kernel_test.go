package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// signalScript attaches a socket filter to lo, says so, and then runs
// loop until it is interrupted.
const signalScript = `local bpf = require('bpf')
local S = require('syscall')
local map = bpf.map('array', 256)
bpf.socket('lo', function(skb)
	local proto = pkt.ip.proto
	xadd(map[proto], 1)
end)
print('attached')
%s
print('not reached')
`

// TestSignal interrupts a script that has a socket filter attached and
// checks that luabpf exits at once with status 0, prints nothing more,
// and leaves neither the packet socket nor the program behind.
func TestSignal(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  os.Signal
		loop string
	}{
		{"SIGINT", os.Interrupt, "while true do S.sleep(1) end"},
		{"SIGTERM", syscall.SIGTERM, "while true do S.sleep(1) end"},
		{"SIGINT-long-sleep", os.Interrupt, "S.sleep(60)"},
		{"SIGTERM-long-sleep", syscall.SIGTERM, "S.sleep(60)"},
		{"SIGINT-busy-loop", os.Interrupt, "local n = 0\nwhile true do n = n + 1 end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kerneltest.Require(t)
			ns := kerneltest.NewNetns(t)
			script := filepath.Join(t.TempDir(), "wait.lua")
			writeScript(t, filepath.Dir(script), "wait.lua", fmt.Sprintf(signalScript, tc.loop))
			before := packetSockets(t, ns)

			p := startLuabpf(t, ns, script)
			if l := p.next(t, 10*time.Second); l.text != "attached" {
				t.Fatalf("first line %q, want %q", l.text, "attached")
			}
			if n := packetSockets(t, ns); n != before+1 {
				t.Errorf("%d packet sockets while the script runs, want %d", n, before+1)
			}
			progs := bpfProgIDs(t, p.cmd.Process.Pid)
			if len(progs) == 0 {
				t.Errorf("luabpf holds no BPF program while the script runs")
			}
			time.Sleep(200 * time.Millisecond) // let it enter the loop

			sent := time.Now()
			if err := p.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			code, rest := p.wait(t, 2*time.Second)
			t.Logf("exited %v after the signal", time.Since(sent).Round(time.Millisecond))
			if code != 0 {
				t.Errorf("exit status %d after %v, want 0", code, tc.sig)
			}
			if len(rest) > 0 {
				t.Errorf("printed after the signal: %q", rest[0].text)
			}
			if p.stderr.Len() > 0 {
				t.Errorf("stderr after %v:\n%s", tc.sig, p.stderr)
			}
			if n := packetSockets(t, ns); n != before {
				t.Errorf("%d packet sockets after exit, want %d", n, before)
			}
			for _, id := range progs {
				waitProgGone(t, id)
			}
		})
	}
}

// bpfProgIDs returns the ids of the BPF programs process pid holds fds of.
func bpfProgIDs(t *testing.T, pid int) []ebpf.ProgramID {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []ebpf.ProgramID
	for _, e := range ents {
		if target, _ := os.Readlink(filepath.Join(dir, e.Name())); target != "anon_inode:bpf-prog" {
			continue
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "prog_id:"); ok {
				id, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, ebpf.ProgramID(id))
			}
		}
		f.Close()
	}
	return ids
}

// waitProgGone fails the test unless the program id is freed within a
// second (the kernel frees programs asynchronously).
func waitProgGone(t *testing.T, id ebpf.ProgramID) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		prog, err := ebpf.NewProgramFromID(id)
		if errors.Is(err, os.ErrNotExist) {
			return
		}
		if err == nil {
			prog.Close()
		}
		if time.Now().After(deadline) {
			t.Errorf("BPF program %d still exists after luabpf exited (%v)", id, err)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// summaryScript counts packets on lo until Ctrl-C, catching the
// interruption with pcall to print a summary, the pattern of tracing and
// network tools. after runs once the summary is printed.
const summaryScript = `local bpf = require('bpf')
local S = require('syscall')
local map = bpf.map('array', 256)
bpf.socket('lo', function(skb)
	xadd(map[pkt.ip.proto], 1)
end)
print('attached')
local ok, err = pcall(function ()
	while true do S.sleep(1) end
end)
print('summary', ok, err, tonumber(map[17]))
%s
print('done')
`

// TestSignalSummary checks the first SIGINT reaches the script as a
// catchable "interrupted!" error, so it prints its summary and ends
// normally; a second SIGINT, or SIGTERM, ends it whatever it catches.
// Every case leaves no packet socket or program behind.
func TestSignalSummary(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sigs  []os.Signal
		after string // Lua after the summary
		want  []string
	}{
		{"SIGINT", []os.Signal{os.Interrupt}, "", []string{"summary\tfalse\tSCRIPT:9: interrupted!\t0", "done"}},
		// The handler waits again; the second SIGINT ends it.
		{"SIGINT-twice", []os.Signal{os.Interrupt, os.Interrupt},
			"print('waiting')\nwhile true do pcall(S.sleep, 1) end", []string{"summary\tfalse\tSCRIPT:9: interrupted!\t0", "waiting"}},
		{"SIGTERM", []os.Signal{syscall.SIGTERM}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kerneltest.Require(t)
			ns := kerneltest.NewNetns(t)
			script := filepath.Join(t.TempDir(), "wait.lua")
			writeScript(t, filepath.Dir(script), "wait.lua", fmt.Sprintf(summaryScript, tc.after))
			before := packetSockets(t, ns)
			p := startLuabpf(t, ns, script)
			if l := p.next(t, 10*time.Second); l.text != "attached" {
				t.Fatalf("first line %q, want %q", l.text, "attached")
			}
			progs := bpfProgIDs(t, p.cmd.Process.Pid)
			time.Sleep(200 * time.Millisecond) // let it enter the loop
			var got []string
			for i, sig := range tc.sigs {
				if err := p.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				if i < len(tc.sigs)-1 {
					// Wait for the handler's output before the next signal.
					for len(got) < len(tc.want) {
						got = append(got, p.next(t, 2*time.Second).text)
					}
				}
			}
			code, rest := p.wait(t, 2*time.Second)
			for _, l := range rest {
				got = append(got, l.text)
			}
			want := strings.ReplaceAll(strings.Join(tc.want, "\n"), "SCRIPT", script)
			if code != 0 || strings.Join(got, "\n") != want {
				t.Errorf("exit status %d and printed after the signals:\n%s\nwant status 0 and:\n%s\nstderr:\n%s",
					code, strings.Join(got, "\n"), want, p.stderr)
			}
			if n := packetSockets(t, ns); n != before {
				t.Errorf("%d packet sockets after exit, want %d", n, before)
			}
			for _, id := range progs {
				waitProgGone(t, id)
			}
		})
	}
}
