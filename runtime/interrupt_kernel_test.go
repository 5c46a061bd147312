package runtime

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
	lua "github.com/yuin/gopher-lua"
)

// An interrupt ends a wait for events with a catchable "interrupted!",
// and the reader still works after it.
func TestInterruptReaderBlock(t *testing.T) {
	kerneltest.Require(t)
	out, err := interruptRun(t, `local bpf = require('bpf')
local events = bpf.map('ringbuf', 4096)
local reader = events:reader()
local ok, err = pcall(function ()
	ready()
	reader:block()
end)
print(ok, err)
print(reader:block(0.001))
`)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "false\ttest.lua:") || !strings.HasSuffix(lines[0], ": interrupted!") || lines[1] != "false" {
		t.Errorf("printed\n%s\nwant the caught 'test.lua:N: interrupted!' and then false (a wait that times out)", out)
	}
}

// An interrupt ends log:read() on a trace pipe where nothing arrives
// (TestNoLeaks in cmd/luabpf found it waiting for ever: the read woke
// only on a stop), with a catchable "interrupted!". The pipe is a tracefs
// instance's, so no other test's trace lines are taken.
func TestInterruptTracelogRead(t *testing.T) {
	kerneltest.Require(t)
	root, err := kerneltest.MountTracefs()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "instances", fmt.Sprintf("luabpf_interrupt_%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(dir)
	var out bytes.Buffer
	rt := New(&Options{Stdout: &out, Stderr: &out})
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt.L.SetGlobal("ready", rt.L.NewFunction(func(L *lua.LState) int {
		go func() {
			time.Sleep(100 * time.Millisecond) // let log:read() start waiting
			rt.Interrupt()
		}()
		return 0
	}))
	watchdog := time.AfterFunc(10*time.Second, cancel) // a stop ends the read in any case
	defer watchdog.Stop()
	err = rt.RunString(ctx, "test.lua", fmt.Sprintf(`local bpf = require('bpf')
local log = bpf.tracelog(%q)
local ok, err = pcall(function ()
	ready()
	log:read()
end)
print(ok, err)
`, filepath.Join(dir, "trace_pipe")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "false\ttest.lua:") || !strings.HasSuffix(got, ": interrupted!\n") {
		t.Errorf("printed %q, want the caught 'test.lua:N: interrupted!' (the interrupt did not end the read)", got)
	}
}
