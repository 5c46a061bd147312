package runtime

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
)

// Compile errors in kernel functions: each names test.lua and the line of
// the mistake, says what is wrong, and shows that line. These tests need
// no kernel (bpf(fn) compiles without loading) unless a case creates a
// map.

// errCase is a kernel function with one mistake on the line marked --!.
type errCase struct {
	name    string
	prelude string   // userspace code before the kernel function
	body    string   // the kernel function's body; the bad line ends in --!
	want    []string // the message contains each of these
	maps    bool     // the prelude creates maps, which needs the kernel
}

// markedLine returns the 1-based line of script that carries the --!
// marker.
func markedLine(t *testing.T, script string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(script, "\n") {
		if strings.Contains(l, "--!") {
			if line != 0 {
				t.Fatalf("two lines are marked --!:\n%s", numbered(script))
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("no line is marked --!:\n%s", numbered(script))
	}
	return line
}

func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.maps {
				kerneltest.Require(t)
			}
			script := filterScript(tc.prelude, tc.body)
			checkCompileError(t, script, tc.want...)
		})
	}
}

// checkCompileError compiles script and checks that it fails with one
// compile error at the marked line whose message contains want, and that
// the error's detail shows the marked line.
func checkCompileError(t *testing.T, script string, want ...string) {
	t.Helper()
	line := markedLine(t, script)
	err := errorOf(t, script)
	var ce *source.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error %q is %T, want a single compile error\n%s", err, err, numbered(script))
	}
	prefix := fmt.Sprintf("test.lua:%d: ", line)
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		t.Errorf("error %q does not start with %q\n%s", msg, prefix, numbered(script))
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not mention %q", msg, w)
		}
	}
	src := strings.TrimSpace(strings.Split(script, "\n")[line-1])
	if d := source.Detail(err); d != msg+"\n    "+src {
		t.Errorf("detail is\n%s\nwant the message and then the line\n    %s", d, src)
	}
}

func TestCompileErrors(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "unknown field", body: "local x = 1\nif pkt.ip.proot == c.ip.proto_udp then --!\n\treturn 1\nend",
			want: []string{"'proot'", "did you mean 'proto'"}},
		{name: "unknown next header", body: "return pkt.ip.udpp.dst_port --!",
			want: []string{"'udpp'", "did you mean 'udp'"}},
		{name: "unknown field deep", body: "local u = pkt.ip.udp\nlocal d = u.data\nreturn u.dst_prot --!",
			want: []string{"'dst_prot'", "did you mean 'dst_port'"}},
		{name: "unknown name", body: "local a = 1\nreturn a + foo --!",
			want: []string{"unknown name 'foo'"}},
		{name: "unknown name with hint", body: "xad(m[1], 1) --!",
			want: []string{"unknown name 'xad'", "did you mean 'xadd'"}},
		{name: "unknown skb field", body: "return skb.lenn --!",
			want: []string{"'lenn'", "did you mean 'len'"}},
		{name: "table constructor", body: "local x = pkt.ip.ttl\nlocal t = {x, 2} --!\nreturn 1",
			want: []string{"table constructors are not supported"}},
		{name: "closure expression", body: "local f = function () return 1 end --!\nreturn 1",
			want: []string{"kernel functions cannot define functions"}},
		{name: "local function", body: "local x = 1\nlocal function f() --!\n\treturn 1\nend\nreturn x",
			want: []string{"kernel functions cannot define functions"}},
		{name: "while loop", body: "local i = 0\nwhile i < 3 do --!\n\ti = i + 1\nend\nreturn i",
			want: []string{"while loops are not supported", "for i = 1, 8"}},
		{name: "repeat loop", body: "local i = 0\nrepeat --!\n\ti = i + 1\nuntil i > 3\nreturn i",
			want: []string{"repeat loops are not supported"}},
		{name: "generic for", body: "for k, v in pairs(x) do --!\nend",
			want: []string{"generic for loops"}},
		{name: "label", body: "local x = 1\n::top:: --!\nreturn x",
			want: []string{"goto and labels are not supported"}},
		{name: "run-time concatenation", body: "local x = pkt.ip.ttl\nlocal s = 'ttl' .. x --!\nreturn 1",
			want: []string{"strings cannot be built at run time"}},
		{name: "assign to upvalue", prelude: "local K = 5", body: "local x = 1\nK = x + 1 --!\nreturn K",
			want: []string{"cannot assign to 'K'", "local"}},
		{name: "assign to global", prelude: "G = 5", body: "G = 6 --!\nreturn G",
			want: []string{"cannot assign to 'G'"}},
		{name: "assign to userspace table", prelude: "local t = {a = 1}", body: "t.a = pkt.ip.ttl --!\nreturn t.a",
			want: []string{"cannot change the userspace table"}},
		{name: "write skb.len", body: "local x = 1\nskb.len = 5 --!\nreturn x",
			want: []string{"a socket filter cannot write skb.len", "cb"}},
		{name: "write skb.mark", body: "skb.mark = 5 --!",
			want: []string{"cannot write skb.mark"}},
		{name: "read skb.tc_classid", body: "local x = 1\nreturn skb.tc_classid + x --!",
			want: []string{"a socket filter cannot read skb.tc_classid"}},
		{name: "read skb.family", body: "return skb.family --!",
			want: []string{"cannot read skb.family"}},
		{name: "skb.cb out of range", body: "return skb.cb[5] --!",
			want: []string{"out of range"}},
		{name: "skb.cb run-time index", body: "local i = pkt.ip.ttl\nreturn skb.cb[i] --!",
			want: []string{"constant"}},
		{name: "write packet", body: "pkt.ip.ttl = 1 --!",
			want: []string{"cannot write to the packet"}},
		{name: "xadd on a local", body: "local x = pkt.ip.ttl\nxadd(x, 1) --!",
			want: []string{"xadd needs a map value"}},
		{name: "xadd on a stack object", body: "local b = ffi.new('uint32_t [2]')\nxadd(b[0], 1) --!",
			want: []string{"xadd needs a map value"}},
		{name: "slice wider than 8 bytes", body: "local d = pkt.ip.tcp.data\nif d(0, 9) == 0 then --!\n\treturn 1\nend",
			want: []string{"a slice reads 1 to 8 bytes", "data(0, 9) is 9"}},
		{name: "empty slice", body: "return pkt.ip.tcp.data(4, 4) --!",
			want: []string{"a slice reads 1 to 8 bytes"}},
		{name: "slice with run-time bounds", body: "local n = pkt.ip.ttl\nreturn pkt.ip.tcp.data(0, n) --!",
			want: []string{"known at compile time"}},
		{name: "slice of a header", body: "return pkt.ip.tcp(0, 4) --!",
			want: []string{"slices need a byte pointer"}},
		{name: "4-byte slice vs 3-byte string", body: "local h = pkt.ip.tcp.data(0, 4)\nif h == 'GET' then --!\n\treturn 1\nend",
			want: []string{"4-byte", "3-byte string", "never be equal"}},
		{name: "number vs string", body: "if pkt.ip.ttl + 1 == 'xy' then --!\n\treturn 1\nend",
			want: []string{"cannot compare a number with the string"}},
		{name: "ordering strings", body: "local h = pkt.ip.tcp.data(0, 4)\nif h < 'GET ' then --!\n\treturn 1\nend",
			want: []string{"strings can only be compared with == or ~="}},
		{name: "index a header", body: "return pkt.ip[3] --!",
			want: []string{"is the ip header"}},
		{name: "float", body: "local x = pkt.ip.ttl\nreturn x * 1.5 --!",
			want: []string{"1.5", "not an integer"}},
		{name: "power", body: "return pkt.ip.ttl ^ 2 --!",
			want: []string{"'^'", "bit.lshift"}},
		{name: "stack object too big", body: "local b = ffi.new('uint8_t [600]') --!",
			want: []string{"512 bytes"}},
		{name: "stack objects too big together", body: "local a = ffi.new('uint8_t [400]')\na[0] = 1\nlocal b = ffi.new('uint8_t [200]') --!\nb[0] = 2\nreturn a[0] + b[0]",
			want: []string{"512 bytes"}},
		{name: "constant index out of range", body: "local b = ffi.new('uint8_t [8]')\nb[8] = 1 --!",
			want: []string{"index 8 is out of range"}},
		{name: "unknown struct member", body: "local s = ffi.new('struct { uint32_t count; }')\ns.cuont = 1 --!",
			want: []string{"'cuont'", "did you mean 'count'"}},
		{name: "bad C type", body: "local s = ffi.new('struct { uint32_t }') --!",
			want: []string{"bad C type"}},
		{name: "loop bound at run time", body: "local n = pkt.ip.ttl\nfor i = 1, n do --!\nend",
			want: []string{"known at compile time"}},
		{name: "loop too long", body: "local s = 0\nfor i = 1, 100000 do --!\n\ts = s + i\nend\nreturn s",
			want: []string{"unrolled"}},
		{name: "loop step zero", body: "for i = 1, 3, 0 do --!\nend",
			want: []string{"step of 0"}},
		{name: "two meanings on two paths", body: "local d\nif pkt.ip.ttl > 1 then\n\td = pkt.ip.udp\nelse\n\td = 5\nend\nreturn d --!",
			want: []string{"'d'", "on one path"}},
		{name: "return two values", body: "return 1, 2 --!",
			want: []string{"one number"}},
		{name: "method call", body: "local s = 'x'\nreturn s:len() --!",
			want: []string{"method calls"}},
		{name: "print format at run time", prelude: "", body: "local x = pkt.ip.ttl\nprint(x) --!",
			want: []string{"format string"}},
		{name: "run-time index of a userspace table", prelude: "local t = {1, 2, 3}", body: "return t[pkt.ip.ver] --!",
			want: []string{"constant keys"}},
		{name: "missing table key", prelude: "local t = {alpha = 1}", body: "return t.alhpa --!",
			want: []string{"'t.alhpa' is nil", "did you mean 'alpha'"}},
		{name: "calling a number", prelude: "local n = 5", body: "return n(1) --!",
			want: []string{"not a function"}},
		{name: "Go function", prelude: "local helper = os.time", body: "return helper() --!",
			want: []string{"'helper' is a Lua function that is not defined in the script's source"}},
		{name: "function of another chunk", prelude: "local helper = loadstring('return function () return 1 end')()", body: "return helper() --!",
			want: []string{"'helper' is a Lua function of", "not of this script"}},
	})
}

// Cases that need maps: the map's key and value types are checked.
func TestCompileErrorsMaps(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "struct key of the wrong size", maps: true,
			prelude: "m = bpf.map('hash', 8, ffi.typeof('struct { uint32_t a; uint32_t b; }'))",
			body:    "local k = ffi.new('struct { uint32_t a; }')\nreturn m[k] --!",
			want:    []string{"the map key is", "8 bytes", "4 bytes"}},
		{name: "struct key from a number", maps: true,
			prelude: "m = bpf.map('hash', 8, ffi.typeof('struct { uint32_t a; uint32_t b; }'))",
			body:    "local x = 1\nm[x] = 1 --!",
			want:    []string{"the map key is", "ffi.new"}},
		{name: "xadd on a struct value", maps: true,
			prelude: "m = bpf.map('hash', 8, nil, ffi.typeof('struct { uint32_t a; uint32_t b; }'))",
			body:    "xadd(m[1], 1) --!",
			want:    []string{"xadd adds to 32- or 64-bit integers"}},
		{name: "xadd on a 16-bit value", maps: true,
			prelude: "m = bpf.map('hash', 8, nil, ffi.typeof('uint16_t'))",
			body:    "xadd(m[1], 1) --!",
			want:    []string{"xadd adds to 32- or 64-bit integers"}},
		{name: "map member misspelt", maps: true,
			prelude: "m = bpf.map('hash', 8, nil, ffi.typeof('struct { uint64_t count; }'))",
			body:    "local v = m[1]\nif v then\n\tv.cuont = 1 --!\nend",
			want:    []string{"'cuont'", "did you mean 'count'"}},
		{name: "string too long for the key", maps: true,
			prelude: "m = bpf.map('hash', 8, ffi.typeof('char [4]'))",
			body:    "m['abcdefgh'] = 1 --!",
			want:    []string{"does not fit"}},
	})
}

// A mistake on a continuation line of a statement is reported at that
// line, and lines are counted through comments and long strings before
// the kernel function.
func TestCompileErrorLines(t *testing.T) {
	checkCompileError(t, filterScript("", `local ip = pkt.ip
if ip.proto == 6 and
   ip.tccp.dst_port == 80 then --!
	return 1
end`), "'tccp'")
	checkCompileError(t, filterScript(`--[[ a
long comment ]]
local s = [[
two
lines]]`, `
	-- a comment
	for i = 1, 4 do
		if i == 3 then
			local y = pkt.ip.udp.data(0, 12) --!
		end
	end`), "data(0, 12)")
	checkCompileError(t, filterScript("", `local h = pkt.ip.tcp.data(0, 4)
return h == 'HTTP' or
	h == 'GET ' or
	h == 'POS' --!
`), "3-byte string")
	// The second kernel function in a script has its own lines.
	checkCompileError(t, `local bpf = require('bpf')
ok = bpf(function (skb) return pkt.ip.ttl end)

prog = bpf(function (skb)
	return pkt.ip.ttll --!
end)
`, "'ttll'", "did you mean 'ttl'")
}

// A kernel function takes only the context.
func TestCompileErrorParameters(t *testing.T) {
	checkCompileError(t, `local bpf = require('bpf')
prog = bpf(function (skb, extra) --!
	return 1
end)
`, "one parameter", "'extra'")
	checkCompileError(t, `local bpf = require('bpf')
prog = bpf(function (skb, ...) --!
	return 1
end)
`, "varargs")
}

// Several mistakes are reported together, each at its line.
func TestCompileErrorList(t *testing.T) {
	script := filterScript("", `local i = 0
while i < 3 do
	i = i + 1
end
repeat
	i = i + 1
until i > 5
return i`)
	err := errorOf(t, script)
	var list *source.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %q is %T, want a list of two compile errors", err, err)
	}
	want := "test.lua:6: while loops are not supported"
	want2 := "test.lua:9: repeat loops are not supported"
	msg := err.Error()
	if !strings.Contains(msg, want) || !strings.Contains(msg, want2) {
		t.Errorf("errors:\n%s\nwant lines starting %q and %q", msg, want, want2)
	}
}
