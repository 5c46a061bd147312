package runtime

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
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
