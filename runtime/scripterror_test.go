package runtime

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
)

// TestScriptErrorShowsLine checks that an error a script raises at one
// of its lines prints that line below the message, and that messages
// naming no line of the script, or already showing one, get none.
func TestScriptErrorShowsLine(t *testing.T) {
	for _, tc := range []struct {
		name, script, want string
	}{
		{"index nil", "local x = nil\n\tprint(x.y)\n", "s.lua:2: attempt to index a non-table object(nil) with key 'y'\n    print(x.y)"},
		{"error call", "local n = 1\nerror('bad ' .. n)\n", "s.lua:2: bad 1\n    error('bad ' .. n)"},
		{"no position", "error('plain', 0)\n", "plain"},
		{"other chunk", "error('other.lua:1: elsewhere', 0)\n", "other.lua:1: elsewhere"},
		{"line past the end", "error('s.lua:99: far', 0)\n", "s.lua:99: far"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			rt := New(&Options{Stdout: &out, Stderr: &out})
			defer rt.Close()
			err := rt.RunString(context.Background(), "s.lua", tc.script, nil)
			var se *ScriptError
			if !errors.As(err, &se) {
				t.Fatalf("RunString: %v, want a *ScriptError", err)
			}
			if got := source.Detail(err); got != tc.want {
				t.Errorf("Detail:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
