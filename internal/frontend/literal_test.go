package frontend

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/source"
)

func TestRewriteLiterals(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ULL", "local a = 5ULL", `local a = __luabpf_u64("5")`},
		{"LL", "local a = 5LL", `local a = __luabpf_i64("5")`},
		{"hex", "x = 0xffULL + 0XFFll", `x = __luabpf_u64("0xff") + __luabpf_i64("0XFF")`},
		{"any case", "f(1ull, 2Ull, 3uLL, 4lL, 5Ll)",
			`f(__luabpf_u64("1"), __luabpf_u64("2"), __luabpf_u64("3"), __luabpf_i64("4"), __luabpf_i64("5"))`},
		{"operators", "x = -5LL-1LL*2ULL^3", `x = -__luabpf_i64("5")-__luabpf_i64("1")*__luabpf_u64("2")^3`},
		{"concat", "s = 'n' .. 5ULL", `s = 'n' .. __luabpf_u64("5")`},
		{"max", "x = 18446744073709551615ULL", `x = __luabpf_u64("18446744073709551615")`},
		{"plain numbers", "x = 5 + 0xff + 1.5e3 + 0x1p4 + .5 + 3e-2", "x = 5 + 0xff + 1.5e3 + 0x1p4 + .5 + 3e-2"},
		{"identifier", "local x5ULL = y5LL", "local x5ULL = y5LL"},
		{"double quotes", `s = "5ULL \" 6ULL" .. 7ULL`, `s = "5ULL \" 6ULL" .. __luabpf_u64("7")`},
		{"single quotes", `s = '5ULL \' 6ULL\\' .. 7ULL`, `s = '5ULL \' 6ULL\\' .. __luabpf_u64("7")`},
		{"escaped newline", "s = 'a\\\n5ULL' x = 1LL", "s = 'a\\\n5ULL' x = __luabpf_i64(\"1\")"},
		{"line comment", "x = 1 -- 5ULL\ny = 2LL", "x = 1 -- 5ULL\ny = __luabpf_i64(\"2\")"},
		{"long comment", "--[[ 5ULL\n]] x = 1LL", "--[[ 5ULL\n]] x = __luabpf_i64(\"1\")"},
		{"long comment level", "--[==[ ]] 5ULL ]=] ]==] x = 1LL", "--[==[ ]] 5ULL ]=] ]==] x = __luabpf_i64(\"1\")"},
		{"comment that is not long", "--[= 5ULL\nx = 1LL", "--[= 5ULL\nx = __luabpf_i64(\"1\")"},
		{"long string", "s = [[5ULL]] .. [=[ ]] 6ULL ]=] .. 7ULL", `s = [[5ULL]] .. [=[ ]] 6ULL ]=] .. __luabpf_u64("7")`},
		{"index is not a long string", "t[1] = t[2LL]", `t[1] = t[__luabpf_i64("2")]`},
		{"unterminated string", "s = '5ULL\nx = 1LL", "s = '5ULL\nx = __luabpf_i64(\"1\")"},
		{"unterminated long string", "s = [[ 5ULL", "s = [[ 5ULL"},
		{"number then dots", "x = 5ULL..y", "x = 5ULL..y"}, // one malformed token, as in LuaJIT
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rewriteLiterals(source.NewFile("a.lua", tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("rewrote\n%s\nto\n%s\nwant\n%s", tc.in, got, tc.want)
			}
		})
	}
}

// ParseFile parses the rewritten text, keeps the user's text for error
// excerpts, and keeps functions on their lines.
func TestParseFileLiterals(t *testing.T) {
	src := "local s = [[\nx]]\nlocal f = function (skb)\n  return 0xffULL\nend\n"
	f, err := ParseFile("s.lua", src)
	if err != nil {
		t.Fatal(err)
	}
	if f.Src.Text != src || !strings.Contains(f.Text, `__luabpf_u64("0xff")`) {
		t.Errorf("Src.Text %q, Text %q; want the source as written and the rewritten text", f.Src.Text, f.Text)
	}
	if fn, name, err := f.FindFunc(3, 5); err != nil || name != "f" || fn.Line() != 3 {
		t.Errorf("FindFunc(3, 5) = %v %q %v", fn, name, err)
	}
}

func FuzzLiteralScan(f *testing.F) {
	for _, s := range []string{
		"local a = 5ULL", "x = 0xffLL -- 1ULL\n", "s = [==[ 5ULL ]==] .. '\\'5LL'", "--[[\n5ULL\n]] y = 1ll",
		"x = 1.5LL", "z = 12i", "a = [[", "b = '\\", "c = 5ULL..d", "e = .5e+3ULL", "0x", "--[=", "[=[",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, err := rewriteLiterals(source.NewFile("f.lua", text))
		if err != nil {
			var ce *source.CompileError
			if !asCompileError(err, &ce) || !ce.Pos.IsKnown() {
				t.Fatalf("error %v is not a compile error at a line", err)
			}
			return
		}
		if strings.Count(out, "\n") != strings.Count(text, "\n") {
			t.Fatalf("rewriting changed the line count:\n%q\n%q", text, out)
		}
		if !strings.Contains(strings.ToLower(text), "ll") && out != text {
			t.Fatalf("text without 64-bit suffixes changed:\n%q\n%q", text, out)
		}
		// Every rewrite is of a number token into a call: undoing them
		// gives back the input, except for the suffix's spelling.
		if undo := undoRewrites(out); strings.ToLower(undo) != strings.ToLower(text) && !strings.Contains(text, "__luabpf_") {
			t.Fatalf("rewrites are not only of literals:\n%q\n%q", text, out)
		}
	})
}

func asCompileError(err error, ce **source.CompileError) bool {
	e, ok := err.(*source.CompileError)
	*ce = e
	return ok
}

// undoRewrites turns __luabpf_u64("5") back into 5ull and
// __luabpf_i64("5") into 5ll.
func undoRewrites(s string) string {
	for _, r := range []struct{ fn, suffix string }{{value.U64Func, "ull"}, {value.I64Func, "ll"}} {
		for {
			i := strings.Index(s, r.fn+`("`)
			if i < 0 {
				break
			}
			j := strings.Index(s[i:], `")`)
			s = s[:i] + s[i+len(r.fn)+2:i+j] + r.suffix + s[i+j+2:]
		}
	}
	return s
}

func TestRewriteLiteralErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"fraction", "x = 1\ny = 1.5LL", "a.lua:2: malformed number '1.5LL'"},
		{"exponent", "y = 1e3ULL", "a.lua:1: malformed number '1e3ULL'"},
		{"too big", "y = 18446744073709551616ULL", "a.lua:1: malformed number '18446744073709551616ULL'"},
		{"too big signed", "y = 9223372036854775808LL", "a.lua:1: malformed number '9223372036854775808LL': a 64-bit literal is a decimal or 0x hex integer that fits int64_t"},
		{"hex too long", "y = 0x10000000000000000ULL", "a.lua:1: malformed number '0x10000000000000000ULL'"},
		{"imaginary", "y = 12i", "a.lua:1: imaginary numbers like '12i' are not supported"},
		{"line after long string", "s = [[\n\n]] --[[\n]]\ny = 'a\\\nb' z = 1.5ULL", "a.lua:6: malformed number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rewriteLiterals(source.NewFile("a.lua", tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v, want prefix %q", err, tc.want)
			}
		})
	}
}
