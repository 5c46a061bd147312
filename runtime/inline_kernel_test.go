package runtime

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
)

// Kernel code calls the script's own Lua functions by inlining them.

func TestInlineCalls(t *testing.T) {
	const helpers = `
local function is_dns(port) return port == 53 end
local function ttl_class(ttl)
	if ttl < 10 then return 1 end
	if ttl < 32 then
		if ttl == 17 then return 17 end
		return 2
	end
	return 3
end
local function add(a, b) return a + b end
local function twice(x) return add(x, x) end
local function quad(x) return twice(twice(x)) end
local function none() end
local function first(a, b) return b == nil and a or 0 end
function global_double(x) return x * 2 end
local function ttl_of(ip) return ip.ttl end
local function len_of(s) return s.len end
`
	runRetCases(t, helpers, frameUDP4, []retCase{
		{name: "predicate", body: "if pkt.ip.proto == c.ip.proto_udp and is_dns(ntoh(pkt.ip.udp.dst_port)) then return 1 end return 2", want: 1},
		{name: "predicate false", body: "if is_dns(ntoh(pkt.ip.tcp.dst_port)) then return 1 end return 2", frame: frameTCP4, want: 2},
		{name: "predicate as value", body: "return is_dns(ntoh(pkt.ip.udp.dst_port))", want: 1},
		{name: "early return inside if", body: "return ttl_class(pkt.ip.ttl)", want: 17},
		{name: "early return constant", body: "return ttl_class(5) * 10 + ttl_class(40)", want: 13},
		{name: "nested", body: "return quad(pkt.ip.ttl)", want: 68},
		{name: "called twice", body: "return add(pkt.ip.ttl, 1) * 100 + add(pkt.ip.hlen, 2)", want: 1807},
		{name: "no return is nil", body: "if none() == nil then return 5 end return 6", want: 5},
		{name: "missing args are nil", body: "return first(pkt.ip.ttl)", want: 17},
		{name: "extra args dropped", body: "return add(1, pkt.ip.ttl, 99)", want: 18},
		{name: "global function", body: "return global_double(pkt.ip.ttl)", want: 34},
		{name: "header argument", body: "return ttl_of(pkt.ip)", want: 17},
		{name: "context argument", body: "return len_of(skb)", want: 71},
		{name: "call in dead code", body: "local x = false and add(pkt.ip.ttl, 1); if x then return 1 end; if false then return add(1, 2) end return 9", want: 9},
		{name: "call in a loop", body: "local s = 0; for i = 1, 4 do s = add(s, i) end return s", want: 10},
	})
}

func TestInlineSideEffects(t *testing.T) {
	script := filterScript(`
counts = bpf.map('array', 4)
local function bump(i) xadd(counts[i], 1) end
local function is_dns(port) return port == 53 end
local function count(n)
	for i = 1, n do bump(2) end
	return n
end`, `
	if pkt.ip.proto == c.ip.proto_udp and is_dns(ntoh(pkt.ip.udp.dst_port)) then bump(1) else bump(0) end
	return count(3)`)
	rt, prog := loadFilter(t, script)
	for _, f := range [][]byte{frameUDP4, frameUDP4, frameTCP4} {
		if got := run(t, prog, f, nil); got != 3 {
			t.Errorf("returned %d, want 3", got)
		}
	}
	wantMap(t, rt, "counts", map[any]string{0: "1", 1: "2", 2: "9", 3: "0"})
}

// Operands are read in Lua's order: a map value read before a call that
// stores it is the value before the store, and a parameter is the
// argument's value at the call.
func TestInlineEvaluationOrder(t *testing.T) {
	script := filterScript(`
a = bpf.map('array', 4)
local function f(x) a[1] = 7; return x end
local function g() a[2] = 9; return 1 end`, `
	a[1] = 3; a[2] = 4
	local r = f(a[1])
	local s = a[2] + g()
	local u = (a[2] == 9) and 1 or 0
	a[3] = r * 100 + s * 10 + u
	return 0`)
	rt, prog := loadFilter(t, script)
	run(t, prog, frameUDP4, nil)
	wantMap(t, rt, "a", map[any]string{0: "0", 1: "7", 2: "9", 3: "351"})
}

func TestInlineErrors(t *testing.T) {
	for _, tc := range []struct {
		name, prelude, body, want string
	}{
		{"recursion", "local function f(x) return f(x) end", "return f(1)", "test.lua:3: 'f' calls itself"},
		{"mutual recursion", "local g\nlocal function f(x) return g(x) end\ng = function (x) return f(x) end", "return f(1)", "test.lua:5: 'f' calls itself"},
		{"error in callee names its line", "local function f(x)\n  return x.nope\nend", "return f(pkt.ip.ttl)", "test.lua:4: "},
		{"multiple returns", "local function f() return 1, 2 end", "return f()", "test.lua:3: 'f' returns 2 values"},
		{"varargs", "local function f(...) return 1 end", "return f()", "test.lua:3: varargs"},
		{"Go function", "", "return os.time()", "'os.time' is a Lua function that is not defined in the script's source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := errorOf(t, filterScript(tc.prelude, tc.body))
			if !strings.Contains(source.Detail(err), tc.want) {
				t.Errorf("error %q, want it to contain %q", source.Detail(err), tc.want)
			}
		})
	}
}
