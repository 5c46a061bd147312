package runtime

import (
	"bytes"
	"context"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
)

// runPrint runs script and returns what it printed.
func runPrint(t *testing.T, script string) string {
	t.Helper()
	var out bytes.Buffer
	rt := New(&Options{Stdout: &out})
	defer rt.Close()
	if err := rt.RunString(context.Background(), "test.lua", script, nil); err != nil {
		t.Fatalf("script: %s", source.Detail(err))
	}
	return out.String()
}

// pairs still iterates tables, honours __pairs, and rejects other values
// as Lua's does.
func TestPairs(t *testing.T) {
	got := runPrint(t, `local n = 0
for k, v in pairs({a = 1, b = 2, 3}) do n = n + v end
local t = setmetatable({}, {__pairs = function (t) return function (_, k) if not k then return 1, 'one' end end, t, nil end})
for k, v in pairs(t) do print(k, v) end
print(n, pcall(function () return pairs(nil) end))
`)
	if want := "1\tone\n6\tfalse\ttest.lua:5: bad argument #1 to pairs (table expected, got nil)\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// TestErrorLevel: error(msg, 2) names the caller's line, as Lua's does
// (gopher-lua's named the function raising it), and levels that name a
// Go function or nothing add no position.
func TestErrorLevel(t *testing.T) {
	out, err := runQuiet(t, `local function check(x) if not x then error('bad argument', 2) end end
local function user() check(false) end
print(pcall(user))
print(pcall(function() error('here') end))
print(pcall(function() error('none', 0) end))
print(pcall(error, 'direct'))`)
	if err != nil {
		t.Fatal(err)
	}
	want := "false\ts.lua:2: bad argument\nfalse\ts.lua:4: here\nfalse\tnone\nfalse\tdirect\n"
	if out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
}
