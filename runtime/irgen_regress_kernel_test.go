package runtime

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
)

// Regression tests for lowering bugs an outside differential test found
// (issue bugs C4 to C13, math.log2 and packed structs). Each checks the
// README's "Numbers in kernel functions" rules, computed here in Go,
// against what the compiled program returns, built with and without the
// optional passes, and where it matters with the operands as literals
// (folded by the compiler) and read at run time.

// builds are the two ways a function is compiled.
var builds = []struct {
	name  string
	noOpt bool
}{{"optimised", false}, {"unoptimised", true}}

// loadBuilds compiles body as `local f = function (skb) ... end` both
// ways and loads the programs (and fresh maps for each). setup, when not
// nil, fills a build's maps before it runs.
func loadBuilds(t *testing.T, body string, opts compile.Options, setup func(*testing.T, *ebpf.Collection)) map[string]*ebpf.Program {
	t.Helper()
	kerneltest.Require(t)
	src := "local ffi = require('ffi')\nlocal f = function (skb)\n" + body + "\nend\n"
	progs := map[string]*ebpf.Program{}
	for _, b := range builds {
		o := opts
		o.NoOptimize = b.noOpt
		p, err := compile.Source("test.lua", src, &o)
		if err != nil {
			t.Fatalf("%s build: %s\n%s", b.name, source.Detail(err), numbered(src))
		}
		spec, err := p.CollectionSpec()
		if err != nil {
			t.Fatalf("%s build: %v", b.name, err)
		}
		coll, err := ebpf.NewCollection(spec)
		if err != nil {
			t.Fatalf("%s build: load: %v\n%s", b.name, err, numbered(src))
		}
		t.Cleanup(coll.Close)
		if setup != nil {
			setup(t, coll)
		}
		progs[b.name] = coll.Programs[p.Spec.Name]
	}
	return progs
}

// put sets m[k] = v in a loaded collection, if its program uses m.
func put(t *testing.T, c *ebpf.Collection, m string, k, v any) {
	t.Helper()
	if c.Maps[m] == nil {
		return
	}
	if err := c.Maps[m].Put(k, v); err != nil {
		t.Fatalf("%s[%v] = %v: %v", m, k, v, err)
	}
}

// runBuilds runs each case in both builds and checks its result.
func runBuilds(t *testing.T, opts compile.Options, setup func(*testing.T, *ebpf.Collection), frame []byte, cases []retCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.frame
			if f == nil {
				f = frame
			}
			for name, prog := range loadBuilds(t, tc.body, opts, setup) {
				if got := run(t, prog, f, tc.opts); got != tc.want {
					t.Errorf("%s build returned %d (%#x), want %d (%#x)\nkernel function:\n%s", name, got, got, tc.want, tc.want, tc.body)
				}
			}
		})
	}
}

// zeroLocal makes z a run-time 0 the compiler cannot fold: the length of
// frameTCP4 minus itself.
var zeroLocal = fmt.Sprintf("local z = skb.len - %d\n", len(frameTCP4))

// check is one expression and the 64-bit value it must have.
type check struct {
	expr string
	want uint64
}

// allHold checks many expressions in one program per build: it returns
// the number of the first that differs from its value (1-based), or
// allGood. Every value is compared in full, as 64 bits.
func allHold(t *testing.T, name string, checks []check) {
	t.Helper()
	const allGood = 0x600d
	var b strings.Builder
	b.WriteString(zeroLocal)
	for i, c := range checks {
		fmt.Fprintf(&b, "if (%s) ~= 0x%x then return %d end\n", c.expr, c.want, i+1)
	}
	fmt.Fprintf(&b, "return %d", allGood)
	t.Run(name, func(t *testing.T) {
		for bn, prog := range loadBuilds(t, b.String(), compile.Options{}, nil) {
			if got := run(t, prog, frameTCP4, nil); got != allGood {
				if got >= 1 && int(got) <= len(checks) {
					c := checks[got-1]
					t.Errorf("%s build: %s is not %#x (%d)", bn, c.expr, c.want, int64(c.want))
				} else {
					t.Errorf("%s build returned %#x", bn, got)
				}
			}
		}
	})
}

// lit writes v as a Lua literal of that exact value (in hex beyond
// 2^53, so that only TestIrgenC8ExactLiterals depends on exact decimal
// literals).
func lit(v int64) string {
	switch {
	case v > 1<<53 || v < -(1<<53):
		return fmt.Sprintf("0x%x", uint64(v))
	case v < 0:
		return fmt.Sprintf("(%d)", v)
	}
	return fmt.Sprint(v)
}

// operand forms: a literal, or the same value computed at run time.
var forms = []struct {
	name string
	f    func(int64) string
}{
	{"literal", lit},
	{"run-time", func(v int64) string { return "(z + " + lit(v) + ")" }},
}

// cDiv and cMod are C's / and % on int64_t as the README defines them
// on the BPF machine.
func cDiv(x, y int64) int64 {
	switch y {
	case 0:
		return 0
	case -1:
		return -x
	}
	return x / y
}

func cMod(x, y int64) int64 {
	switch y {
	case 0:
		return x
	case -1:
		return 0
	}
	return x % y
}

var (
	dividends = []int64{-7, 7, -8, 8, 0, -1, math.MinInt64, math.MaxInt64, 1<<40 + 3, -(1 << 40) - 3}
	divisors  = []int64{2, -2, 4, -4, 16, 3, -3, 1, -1, 0, 1 << 33}
)

// C4: % by a power of two known at compile time was floored (a mask),
// by the same divisor at run time truncated; x / 0 was an error when
// folded. Now both are C's, with the BPF machine's x / 0 == 0 and
// x % 0 == x.
func TestIrgenC4DivisionIsC(t *testing.T) {
	for _, fx := range forms {
		for _, fy := range forms {
			var checks []check
			for _, x := range dividends {
				for _, y := range divisors {
					checks = append(checks,
						check{fx.f(x) + " / " + fy.f(y), uint64(cDiv(x, y))},
						check{fx.f(x) + " % " + fy.f(y), uint64(cMod(x, y))})
				}
			}
			allHold(t, fx.name+" by "+fy.name, checks)
		}
	}
	// Dividends that cannot be negative (a byte, a masked value) may use
	// the mask; the remainder is the same.
	allHold(t, "non-negative dividends", []check{
		{"pkt.ip.ttl % 16", 64 % 16}, {"(pkt.ip.ttl - 1) % 16", 63 % 16}, {"(pkt.ip.ttl - 65) % 16", math.MaxUint64},
		{"bit.band(z - 9, 0xffff) % 8", 0xfff7 % 8}, {"(z - 9) % 8", math.MaxUint64},
		{"nil % 0", 0}, {"7 % nil", 7}, {"7 / false", 0}, {"pkt.ip.ttl / false", 0},
	})
}

// C13: ffi.cast('uint64_t', x) was a no-op, so comparisons, division and
// remainder of the result stayed signed. An operation with a uint64_t
// operand is unsigned and gives uint64_t.
func TestIrgenC13Uint64IsUnsigned(t *testing.T) {
	xs := []int64{-16, 5, math.MinInt64, math.MaxInt64, -1, 0}
	ys := []int64{5, -1, 2, -16, 0, 16}
	type op struct {
		lua string
		f   func(x, y uint64) uint64
	}
	b2u := func(b bool) uint64 {
		if b {
			return 1
		}
		return 0
	}
	ops := []op{
		{"/", func(x, y uint64) uint64 {
			if y == 0 {
				return 0
			}
			return x / y
		}},
		{"%", func(x, y uint64) uint64 {
			if y == 0 {
				return x
			}
			return x % y
		}},
		{"<", func(x, y uint64) uint64 { return b2u(x < y) }},
		{"<=", func(x, y uint64) uint64 { return b2u(x <= y) }},
		{">", func(x, y uint64) uint64 { return b2u(x > y) }},
		{">=", func(x, y uint64) uint64 { return b2u(x >= y) }},
		{"-", func(x, y uint64) uint64 { return x - y }},
	}
	u64 := func(s string) string { return "ffi.cast('uint64_t', " + s + ")" }
	for _, fx := range forms {
		for _, fy := range forms {
			var checks []check
			for _, x := range xs {
				for _, y := range ys {
					for _, o := range ops {
						checks = append(checks,
							check{u64(fx.f(x)) + " " + o.lua + " " + fy.f(y), o.f(uint64(x), uint64(y))},
							check{fy.f(y) + " " + o.lua + " " + u64(fx.f(x)), o.f(uint64(y), uint64(x))})
					}
				}
			}
			allHold(t, fx.name+" and "+fy.name, checks)
		}
	}
	// The result of an operation on a uint64_t is one too.
	allHold(t, "results", []check{
		{"(ffi.cast('uint64_t', z - 1) + 1 - 2) > 0", 1},
		{"(ffi.cast('uint64_t', -1) * 2) / 2", math.MaxUint64 >> 1},
		{"bit.band(ffi.cast('uint64_t', z - 2), -1) > 0", 1},
		{"bit.lshift(ffi.cast('uint64_t', z - 1), 1) > 5", 1},
		{"bit.bnot(ffi.cast('uint64_t', z)) > 0", 1},
		{"-ffi.cast('uint64_t', z + 1) > 0", 1},
		{"ffi.cast('int64_t', ffi.cast('uint64_t', z - 1)) < 0", 1},
		{"ffi.cast('uint32_t', z - 1) < 0", 0},
		{"ffi.cast('int32_t', z - 1) < 0", 1},
		{"5ULL - 6 > 0", 1}, {"(z + 5ULL) / (z - 1)", 0}, {"5LL - 6 > 0", 0},
	})
}

// C13: a uint64_t map value, struct member or stack element reads as
// uint64_t, and a local that is a uint64_t on one path is one after the
// paths join (as C's conditional operator converts).
func TestIrgenC13Uint64Memory(t *testing.T) {
	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"m":  {Type: "array", ValueType: "uint64_t", MaxEntries: 2},
		"sv": {Type: "array", ValueType: "struct { uint32_t a; uint64_t u; }", MaxEntries: 2},
	}}
	const big = 0xfffffffffffffff0 // -16 as int64_t
	setup := func(t *testing.T, c *ebpf.Collection) {
		put(t, c, "m", uint32(0), uint64(big))
		v := struct {
			A   uint32
			Pad uint32
			U   uint64
		}{A: 1, U: big}
		put(t, c, "sv", uint32(0), v)
	}
	runBuilds(t, opts, setup, frameTCP4, []retCase{
		{name: "map value compares unsigned", body: "if m[0] > 5 then return 1 end return 2", want: 1},
		{name: "map value divides unsigned", body: "return bit.rshift(m[0] / 16, 32)", want: 0x0fffffff},
		{name: "map value member", body: "local v = sv[0]\nif v.u > 5 then return 1 end return 2", want: 1},
		{name: "map value member local", body: "local u = sv[0].u\nreturn u % 7", want: uint32(uint64(big) % 7)},
		{name: "stack member", body: "local s = ffi.new('struct { uint8_t a; uint64_t u; }')\ns.u = pkt.ip.ttl - 80\nif s.u > 5 then return 1 end return 2", want: 1},
		{name: "stack element", body: "local a = ffi.new('uint64_t [2]')\na[pkt.ip.ver - 3] = pkt.ip.ttl - 80\nreturn a[1] / 0x100000000", want: 0xffffffff},
		{name: "phi", body: "local v = pkt.ip.ttl - 80\nif pkt.ip.ver == 4 then v = ffi.cast('uint64_t', pkt.ip.ttl - 80) end\nif v > 5 then return 1 end return 2", want: 1},
		{name: "phi other path", body: "local v = pkt.ip.ttl - 80\nif pkt.ip.ver == 6 then v = ffi.cast('uint64_t', pkt.ip.ttl) end\nif v > 5 then return 1 end return 2", want: 1},
		{name: "time is unsigned", body: "if time() - time() - 1 > 0 then return 1 end return 2", want: 1},
	})
}

// C8: decimal literals went through float64, so those above 2^53 were
// rounded and INT64_MAX was "not an integer".
func TestIrgenC8ExactLiterals(t *testing.T) {
	allHold(t, "literals", []check{
		{"9007199254740993 - 9007199254740992", 1},
		{"(z + 9007199254740993) - 9007199254740992", 1},
		{"9223372036854775807", math.MaxInt64},
		{"z + 9223372036854775807", math.MaxInt64},
		{"9223372036854775807 == 0x7fffffffffffffff", 1},
		{"-9223372036854775807 - 1 == 0x8000000000000000", 1},
		{"1e3", 1000},
		{"0xffffffffffffffff", math.MaxUint64},
	})
}

// C10: `x == nil` was false for a constant 0 and true for a run-time 0.
func TestIrgenC10NilIsZero(t *testing.T) {
	allHold(t, "nil", []check{
		{"0 == nil", 1}, {"z == nil", 1}, {"nil == 0", 1}, {"nil == z", 1},
		{"0 ~= nil", 0}, {"z ~= nil", 0},
		{"5 == nil", 0}, {"(z + 5) == nil", 0},
		{"false == nil", 1}, {"nil == nil", 1},
		{"(z == nil) and 1 or 2", 1}, {"(0 == nil) and 1 or 2", 1},
	})
}

// C9: storing into a C bool kept the value's low 8 bits instead of 1 for
// any non-zero value.
func TestIrgenC9BoolStores(t *testing.T) {
	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"mb": {Type: "array", ValueType: "bool", MaxEntries: 1},
		"sb": {Type: "array", ValueType: "struct { uint8_t n; bool b; }", MaxEntries: 1},
	}}
	const s = "local s = ffi.new('struct { bool b; uint8_t c; bool f:1; uint8_t g:7; }')\n"
	runBuilds(t, opts, nil, frameTCP4, []retCase{
		{name: "constant 256", body: s + "s.b = 256\nreturn s.b", want: 1},
		{name: "constant 2", body: s + "s.b = 2\nreturn s.b + s.c", want: 1},
		{name: "run-time 256", body: s + "s.b = pkt.ip.ttl * 4\nreturn s.b", want: 1},
		{name: "run-time 0", body: s + "s.b = 1\ns.b = pkt.ip.ttl - 64\nreturn s.b", want: 0},
		{name: "negative", body: s + "s.b = pkt.ip.ttl - 65\nreturn s.b", want: 1},
		{name: "bitfield", body: s + "s.f = 2\ns.g = 3\nreturn s.f + s.g * 10", want: 31},
		{name: "initial value", body: "local s = ffi.new('struct { bool b; }', 512)\nreturn s.b", want: 1},
		{name: "array element", body: "local a = ffi.new('bool [2]')\na[pkt.ip.ver - 3] = 0x100\nreturn a[1]", want: 1},
		{name: "map value", body: "mb[0] = 0x200\nreturn mb[0]", want: 1},
		{name: "map value member", body: "sb[0].b = 0x300\nreturn sb[0].b", want: 1},
		{name: "cast constant", body: "return ffi.cast('bool', 256)", want: 1},
		{name: "cast run-time", body: "return ffi.cast('bool', pkt.ip.ttl * 4)", want: 1},
	})
}

// C7: ntoh without a width swapped 32 bits of a constant and the type's
// width of a run-time value; it swaps the width of the type the value
// was read or cast as, and 32 bits of a literal, upvalue or result of
// arithmetic.
func TestIrgenC7NtohWidth(t *testing.T) {
	sw32 := func(v uint32) uint32 { return bits.ReverseBytes32(v) }
	opts := compile.Options{
		Consts: map[string]any{"UP": 0x0102},
		Maps: map[string]compile.MapSpec{
			"m16": {Type: "array", ValueType: "uint16_t", MaxEntries: 1},
			"m64": {Type: "array", ValueType: "uint64_t", MaxEntries: 1},
		},
	}
	setup := func(t *testing.T, c *ebpf.Collection) {
		put(t, c, "m16", uint32(0), uint16(0x1234))
		put(t, c, "m64", uint32(0), uint64(0x1122334455667788))
	}
	runBuilds(t, opts, setup, frameTCP4, []retCase{
		{name: "literal", body: "return ntoh(0x0102)", want: sw32(0x0102)},
		{name: "arithmetic", body: zeroLocal + "return ntoh(z + 0x0102)", want: sw32(0x0102)},
		{name: "upvalue", body: "return hton(UP)", want: sw32(0x0102)},
		{name: "wide literal", body: "return ntoh(0x1122334455)", want: sw32(0x22334455)},
		{name: "wide arithmetic", body: zeroLocal + "return ntoh(z + 0x1122334455)", want: sw32(0x22334455)},
		{name: "cast constant", body: "return ntoh(ffi.cast('uint16_t', 0x1234))", want: 0x3412},
		{name: "cast run-time", body: zeroLocal + "return ntoh(ffi.cast('uint16_t', z + 0x1234))", want: 0x3412},
		{name: "cast 64", body: zeroLocal + "return ntoh(ffi.cast('uint64_t', z + 0x1122334455667788))", want: 0x44332211},
		{name: "cast 64 constant", body: "return ntoh(ffi.cast('uint64_t', 0x1122334455667788))", want: 0x44332211},
		{name: "stack member", body: "local s = ffi.new('struct { uint16_t a; }')\ns.a = 0x1234\nreturn ntoh(s.a)", want: 0x3412},
		{name: "map value", body: "return ntoh(m16[0])", want: 0x3412},
		{name: "map value 64", body: "return ntoh(m64[0])", want: 0x44332211},
		{name: "field", body: "return ntoh(pkt.ip.tcp.dst_port)", want: 80},
		{name: "phi of fields", body: "local p = pkt.ip.tcp.dst_port\nif skb.len == 0 then p = pkt.ip.tcp.src_port end\nreturn ntoh(p)", want: 80},
		{name: "round trip", body: zeroLocal + "return ntoh(hton(z + 0x0102))", want: 0x0102},
	})
}

// C12: the first member (offset 0) of a struct map value was taken for
// the whole value in conditions and nil comparisons.
func TestIrgenC12FirstMemberIsAValue(t *testing.T) {
	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"hs": {Type: "hash", ValueType: "struct { uint32_t a; uint32_t b; }", MaxEntries: 4},
	}}
	setup := func(t *testing.T, c *ebpf.Collection) {
		for k, v := range map[uint32][2]uint32{1: {0, 7}, 2: {5, 0}} {
			put(t, c, "hs", k, v)
		}
	}
	runBuilds(t, opts, setup, frameTCP4, []retCase{
		{name: "zero member is false", body: "if hs[1].a then return 1 end return 2", want: 2},
		{name: "non-zero member is true", body: "if hs[2].a then return 1 end return 2", want: 1},
		{name: "zero member is nil", body: "if hs[1].a == nil then return 1 end return 2", want: 1},
		{name: "non-zero member is not nil", body: "if hs[2].a ~= nil then return 1 end return 2", want: 1},
		{name: "missing entry member", body: "if hs[3].a then return 1 end return 2", want: 2},
		{name: "second member", body: "if hs[2].b then return 1 end return 2", want: 2},
		{name: "entry exists", body: "if hs[1] then return 1 end return 2", want: 1},
		{name: "entry missing", body: "if hs[3] == nil then return 1 end return 2", want: 1},
		{name: "through a local", body: "local v = hs[1]\nif v and not v.a then return 1 end return 2", want: 1},
		{name: "not member", body: "return not hs[1].a", want: 1},
	})
}

// math.log2's halving steps were conditional jumps, which multiplied
// the paths the verifier walks until a few calls made the program "too
// large"; they are branch-free now.
func TestIrgenLog2BranchFree(t *testing.T) {
	var b strings.Builder
	b.WriteString("local s = 0\n")
	for _, in := range []string{"pkt.ip.ttl", "skb.len", "pkt.ip.hlen", "ntoh(pkt.ip.tcp.src_port)", "pkt.ip.tcp.data[1]", "ntoh(pkt.ip.tlen)", "pkt.ip.tos", "skb.len * 3"} {
		fmt.Fprintf(&b, "if %s > 2 then s = s + math.log2(%s) end\n", in, in)
	}
	b.WriteString("return s")
	// ttl 64: 6, len: log2(len), hlen 5: 2, port 40000: 15, 'E': 6, tlen: log2, tos 0: -, len*3.
	n := uint64(len(frameTCP4))
	want := 6 + bits.Len64(n) - 1 + 2 + 15 + 6 + bits.Len64(n-14) - 1 + bits.Len64(3*n) - 1
	runBuilds(t, compile.Options{}, nil, frameTCP4, []retCase{{name: "several calls", body: b.String(), want: uint32(want)}})

	// Every power of two and its neighbours, as unsigned 64-bit numbers.
	var checks []check
	for k := 0; k < 64; k++ {
		for _, v := range []uint64{1 << k, 1<<k - 1, 1<<k + 1, 1<<k | 1<<k>>1} {
			want := uint64(0)
			if v > 0 {
				want = uint64(bits.Len64(v) - 1)
			}
			checks = append(checks, check{"math.log2(z + 0x" + fmt.Sprintf("%x", v) + ")", want})
		}
	}
	checks = append(checks, check{"math.log2(z - 1)", 63}, check{"math.log2(z)", 0})
	allHold(t, "values", checks)
}

// C6: the unrolled loop's trip count was computed in int64 and wrapped
// for ranges wider than 2^63, so such a loop ran 0 or 1 times.
func TestIrgenC6WideLoops(t *testing.T) {
	runBuilds(t, compile.Options{}, nil, frameTCP4, []retCase{
		{name: "full range in 8 steps", body: "local n = 0\nfor i = 0x8000000000000000, 0x7fffffffffffffff, 0x2000000000000000 do n = n + 1 end\nreturn n", want: 8},
		{name: "full range down", body: "local n = 0\nfor i = 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000 do n = n + 1 end\nreturn n", want: 2},
		{name: "last value", body: "local v = 0\nfor i = 0x8000000000000000, 0x7fffffffffffffff, 0x4000000000000000 do v = i end\nreturn bit.rshift(v, 32)", want: 0x40000000},
	})
}
