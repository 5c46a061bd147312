package runtime

import (
	"fmt"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
)

// Regression tests for wrong results and rejected programs in the
// compiler's back end (passes, register allocation, emission) found by
// differential testing. Each case runs optimised and unoptimised: both
// builds must compute what the README's number rules say.

// backendCase is a kernel function body, run on frameTCP4, and the value
// it must return.
type backendCase struct {
	name string
	body string
	want uint32
}

// compileModes are the two builds every case runs in.
var compileModes = []struct {
	name       string
	noOptimize bool
}{{"optimised", false}, {"unoptimised", true}}

// loadCompiled compiles src through the public compile API, optimised or
// not, and loads its first function with its maps.
func loadCompiled(t *testing.T, src string, maps map[string]compile.MapSpec, noOptimize bool) (*ebpf.Collection, *ebpf.Program) {
	t.Helper()
	kerneltest.Require(t)
	prog, err := compile.Source("test.lua", src, &compile.Options{Maps: maps, NoOptimize: noOptimize})
	if err != nil {
		t.Fatalf("compile: %s", source.Detail(err))
	}
	coll, err := ebpf.NewCollection(prog.CollectionSpec())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Cleanup(func() { coll.Close() })
	return coll, coll.Programs[prog.Spec.Name]
}

// kernelFunc makes body the kernel function of a file for compile.Source.
func kernelFunc(body string) string {
	return "local function prog(skb)\n" + body + "\nend\n"
}

// runBackendCases runs each case in both builds and checks its result.
func runBackendCases(t *testing.T, maps map[string]compile.MapSpec, cases []backendCase) {
	t.Helper()
	for _, tc := range cases {
		for _, m := range compileModes {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				_, prog := loadCompiled(t, kernelFunc(tc.body), maps, m.noOptimize)
				if got := run(t, prog, frameTCP4, nil); got != tc.want {
					t.Errorf("returned %d (%#x), want %d (%#x)\nkernel function:\n%s", got, got, tc.want, tc.want, tc.body)
				}
			})
		}
	}
}

// ttl is pkt.ip.ttl of frameTCP4, a value only known at run time.
const ttl = 64

// low32 is the part of a 64-bit result a test run returns.
func low32(x int64) uint32 { return uint32(x) }

// A comparison's result (0 or 1) compared again with a constant, for
// every operator and constants around 0 and 1; the inner comparison is
// true for one case and false for the other.
func TestConstfoldBoolCompareKeepsOperator(t *testing.T) {
	ops := []struct {
		lua string
		f   func(a, b int64) bool
	}{
		{"<", func(a, b int64) bool { return a < b }},
		{"<=", func(a, b int64) bool { return a <= b }},
		{">", func(a, b int64) bool { return a > b }},
		{">=", func(a, b int64) bool { return a >= b }},
		{"==", func(a, b int64) bool { return a == b }},
		{"~=", func(a, b int64) bool { return a != b }},
	}
	inner := []struct {
		lua string
		v   int64
	}{{"(x > 5)", 1}, {"(x < 5)", 0}, {"bit.band(x > 5, 1)", 1}, {"bit.bor(x == 7, 0)", 0}}
	var cases []backendCase
	for _, in := range inner {
		for _, op := range ops {
			for _, c := range []int64{-1, 0, 1, 2} {
				e := fmt.Sprintf("%s %s %d", in.lua, op.lua, c)
				if c < 0 {
					e = fmt.Sprintf("%s %s (%d)", in.lua, op.lua, c)
				}
				want := uint32(0)
				if op.f(in.v, c) {
					want = 1
				}
				cases = append(cases, backendCase{e, "local x = pkt.ip.ttl\nreturn " + e, want})
			}
		}
	}
	// The same through a branch, where the comparison becomes a jump.
	cases = append(cases,
		backendCase{"if (x > 5) >= 0", "local x = pkt.ip.ttl\nif (x > 5) >= 0 then return 7 end\nreturn 9", 7},
		backendCase{"if (x > 5) < 1", "local x = pkt.ip.ttl\nif (x > 5) < 1 then return 7 end\nreturn 9", 9},
		backendCase{"if (x < 5) <= 0", "local x = pkt.ip.ttl\nif (x < 5) <= 0 then return 7 end\nreturn 9", 7},
	)
	runBackendCases(t, nil, cases)
}

func TestShiftCountModulo64(t *testing.T) {
	runBackendCases(t, nil, []backendCase{
		{"rshift by 64", "local x = pkt.ip.ttl\nreturn bit.rshift(x, 64)", ttl},
		{"rshift by 65", "local x = pkt.ip.ttl\nreturn bit.rshift(x, 65)", ttl >> 1},
		{"narrow rshift by 72", "local x = pkt.ip.ttl\nreturn bit.rshift(x, 72)", 0},
		{"lshift by 66", "local x = pkt.ip.ttl\nreturn bit.lshift(x, 66)", ttl << 2},
		{"arshift by 64", "local x = pkt.ip.ttl\nreturn bit.arshift(x, 64)", ttl},
		{"rshift by -63", "local x = pkt.ip.ttl\nreturn bit.rshift(x, -63)", ttl >> 1},
	})
}

func TestShiftReassociationOverflow(t *testing.T) {
	runBackendCases(t, nil, []backendCase{
		{"lshift twice past 64", "local x = pkt.ip.ttl\nreturn bit.lshift(bit.lshift(x, 1), 0x7fffffffffffffff)", 0},
		{"rshift twice past 64", "local x = pkt.ip.ttl\nreturn bit.rshift(bit.rshift(x, 1), 0x7fffffffffffffff)", 0},
		{"lshift counts modulo 64", "local x = pkt.ip.ttl\nreturn bit.lshift(bit.lshift(x, 65), 66)", ttl << 3},
		{"arshift twice stops at the sign", "local x = -pkt.ip.ttl\nreturn bit.arshift(bit.arshift(x, 40), 40)", 0xffffffff},
		{"arshift twice", "local x = -pkt.ip.ttl\nreturn bit.arshift(bit.arshift(x, 1), 2)", low32(-ttl >> 3)},
	})
}

func TestDivisionByZeroAtRunTime(t *testing.T) {
	runBackendCases(t, nil, []backendCase{
		{"x / 0", "local x = pkt.ip.ttl\nreturn x / 0", 0},
		{"x % 0", "local x = pkt.ip.ttl\nreturn x % 0", ttl},
		{"x % nil", "local x = pkt.ip.ttl\nreturn x % nil", ttl},
		{"x / false", "local x = pkt.ip.ttl\nreturn x / false", 0},
		{"negative x / 0", "local x = -pkt.ip.ttl\nreturn x / 0", 0},
		{"negative x % 0", "local x = -pkt.ip.ttl\nreturn x % 0", low32(-ttl)},
		{"unsigned x / 0", "local x = ffi.cast('uint64_t', pkt.ip.ttl)\nreturn x / 0", 0},
		{"unsigned x % 0", "local x = ffi.cast('uint64_t', pkt.ip.ttl)\nreturn x % 0", ttl},
		{"x / (y - y)", "local x = pkt.ip.ttl\nlocal y = 3\nreturn x / (y - y) + x % (y - 3)", ttl},
	})
}

// When both arms return the same constant the branch goes away; its
// condition, now unused, must not be emitted (it had no register: "R15 is
// invalid").
func TestUnusedConditionOfMergedReturns(t *testing.T) {
	runBackendCases(t, nil, []backendCase{
		{"if a > b return 1 else return 1", "local a, b = pkt.ip.ttl, pkt.ip.hlen\nif a > b then return 1 else return 1 end", 1},
		{"condition in a local", "local a, b = pkt.ip.ttl, pkt.ip.hlen\nlocal c = a > b\nif c then return 1 else return 1 end", 1},
		{"elseif arms", "local a, b = pkt.ip.ttl, pkt.ip.hlen\nif a > b then return 2 elseif a == b then return 2 else return 2 end", 2},
		{"not of the condition", "local a = pkt.ip.ttl\nif not (a < 3) then return 0 end\nreturn 0", 0},
		{"and of conditions", "local a, b = pkt.ip.ttl, pkt.ip.hlen\nif a > 1 and b > 1 then return 5 end\nreturn 5", 5},
	})
}
