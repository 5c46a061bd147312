package runtime

import (
	"bytes"
	"context"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// interruptRun runs script with a global ready() that interrupts the
// script from another goroutine, the way the CLI does on SIGINT, and a
// global stop() that cancels Run's context from another goroutine, the
// way a second SIGINT does. It returns what the script printed and
// Run's error.
func interruptRun(t *testing.T, script string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rt := New(&Options{Stdout: &out, Stderr: &out})
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt.L.SetGlobal("ready", rt.L.NewFunction(func(L *lua.LState) int {
		go rt.Interrupt()
		return 0
	}))
	rt.L.SetGlobal("stop", rt.L.NewFunction(func(L *lua.LState) int {
		// From another goroutine, as a signal handler's stop comes; the
		// script goes on once the VM has seen it, so what runs after
		// stop() is what a stop meets, not a race with it.
		go cancel()
		<-rt.vm.Done()
		return 0
	}))
	err := rt.RunString(ctx, "test.lua", script, nil)
	return out.String(), err
}

func TestInterruptIsCatchable(t *testing.T) {
	for _, tc := range []struct{ name, wait string }{
		{"busy loop", "local n = 0\n\twhile true do n = n + 1 end"},
		{"sleep", "require('syscall').sleep(60)"},
		{"sleep loop", "while true do require('syscall').sleep(0.01) end"},
		// Sleeps under a millisecond take nanosleep, not a Go timer.
		{"short sleep loop", "while true do require('syscall').sleep(0.0001) end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := `local ok, err = pcall(function ()
	ready()
	` + tc.wait + `
end)
print('caught', ok, err)
local sum = 0
for i = 1, 1000 do sum = sum + i end
print('summary', sum)
`
			out, err := interruptRun(t, script)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "caught\tfalse\ttest.lua:") ||
				!strings.HasSuffix(lines[0], ": interrupted!") || lines[1] != "summary\t500500" {
				t.Errorf("script printed\n%s\nwant the caught 'test.lua:N: interrupted!' error, then the summary computed after it", out)
			}
		})
	}
}

// One interrupt is one error: a script that catches it twice in a row
// sees the second pcall finish normally.
func TestInterruptOnce(t *testing.T) {
	out, err := interruptRun(t, `
local a = pcall(function () ready() while true do end end)
local b = pcall(function () for i = 1, 100000 do end end)
print(a, b)
`)
	if err != nil || out != "false\ttrue\n" {
		t.Errorf("printed %q, err %v; want %q (the second pcall runs undisturbed)", out, err, "false\ttrue\n")
	}
}

// An interrupt nobody catches ends the script without an error, as a
// Ctrl-C should.
func TestInterruptUncaught(t *testing.T) {
	out, err := interruptRun(t, "ready()\nwhile true do end\nprint('not reached')\n")
	if err != nil || out != "" {
		t.Errorf("printed %q, err %v; want nothing and no error", out, err)
	}
}

// Cancelling Run's context stops the script even when it catches every
// error, in a busy loop and in a sleep.
func TestStopIgnoresPcall(t *testing.T) {
	for _, wait := range []string{"while true do end", "require('syscall').sleep(60)", "require('syscall').sleep(0.0001)"} {
		out, err := interruptRun(t, `
stop()
while true do
	local ok, e = pcall(function () `+wait+` end)
	print('caught', e)
end
`)
		if err != nil || out != "" {
			t.Errorf("%s: printed %q, err %v; want the stop to end the script at once", wait, out, err)
		}
	}
}

// A caught interrupt followed by a real error is that error.
func TestErrorAfterInterrupt(t *testing.T) {
	_, err := interruptRun(t, "pcall(function () ready() while true do end end)\nerror('boom')\n")
	if err == nil || !strings.Contains(err.Error(), "test.lua:2: boom") {
		t.Errorf("Run returned %v, want the script's error test.lua:2: boom", err)
	}
}
