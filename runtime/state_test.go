package runtime

import (
	"strings"
	"testing"
)

// The VM's stacks start small and grow (newState): a script still gets
// the depth and the stack room gopher-lua's defaults give, and the same
// error past them.
func TestStateStacks(t *testing.T) {
	got := runPrint(t, `local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
local t = {}
for i = 1, 4000 do t[i] = i end
print(depth(200), select('#', unpack(t)))
print(pcall(function () local function forever(n) return 1 + forever(n) end return forever(1) end))
`)
	lines := strings.Split(got, "\n")
	if lines[0] != "200\t4000" {
		t.Errorf("first line %q, want %q", lines[0], "200\t4000")
	}
	if want := "false\ttest.lua:5: stack overflow"; lines[1] != want {
		t.Errorf("unbounded recursion gave %q, want %q", lines[1], want)
	}
}

// The standard libraries LuaJIT has are there.
func TestStateLibraries(t *testing.T) {
	got := runPrint(t, `print(type(string.format), type(table.concat), type(io.write), type(os.time), type(math.floor),
	type(debug.traceback), type(coroutine.wrap), type(package.loaded), type(require), type(unpack))`)
	if want := strings.Repeat("function\t", 7) + "table\tfunction\tfunction\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
