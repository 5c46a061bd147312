package runtime

import (
	"context"
	"strings"
	"testing"
)

// LuaJIT's 64-bit literals in userspace are 64-bit cdata, as LuaJIT
// makes them: they print with their suffix, stay exact through
// arithmetic, and leave strings and comments alone.
func TestLiterals64Userspace(t *testing.T) {
	for _, tc := range []struct{ name, expr, want string }{
		{"ULL", "2ULL", "2ULL"},
		{"LL", "5LL", "5LL"},
		{"hex", "0xffULL", "255ULL"},
		{"lower case", "7ull + 1ll", "8ULL"},
		{"negative", "-5LL", "-5LL"},
		{"hex pattern", "0xffffffffffffffffLL", "-1LL"},
		{"max", "18446744073709551615ULL", "18446744073709551615ULL"},
		{"wraps at 2^64", "18446744073709551615ULL + 1", "0ULL"},
		{"exact beyond 2^53", "9007199254740993LL + 2", "9007199254740995LL"},
		{"unsigned wins", "1LL + 2ULL", "3ULL"},
		{"division is integer", "7LL / 2", "3LL"},
		{"type", "type(5ULL)", "userdata"},
		{"compare", "5ULL == 5ULL and 4LL < 5LL", "true"},
		{"tonumber", "tonumber(0x10ULL) + 1", "17"},
		{"string left alone", "'5ULL' .. \" 6LL\" .. [[ 7ULL]]", "5ULL 6LL 7ULL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := runPrint(t, "print(tostring("+tc.expr+")) -- 9ULL\n"); got != tc.want+"\n" {
				t.Errorf("tostring(%s) = %q, want %q", tc.expr, strings.TrimSuffix(got, "\n"), tc.want)
			}
		})
	}
}

// The rewrite keeps line numbers: an error after literals, a long
// string and a long comment names its own line.
func TestLiterals64KeepLines(t *testing.T) {
	rt := New(nil)
	defer rt.Close()
	script := "local a = 5ULL\nlocal s = [[\n1LL\n]] --[==[\n]==]\nlocal b = 0xffLL\nerror('here')\n"
	err := rt.RunString(context.Background(), "lines.lua", script, nil)
	if err == nil || !strings.Contains(err.Error(), "lines.lua:7: here") {
		t.Errorf("got %v, want the error at lines.lua:7", err)
	}
}
