package runtime

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
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
	spec, err := prog.CollectionSpec()
	if err != nil {
		t.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Cleanup(func() { coll.Close() })
	for _, p := range coll.Programs {
		return coll, p
	}
	t.Fatal("no program in the collection")
	return nil, nil
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
	}{{"(x > 5)", 1}, {"(x < 5)", 0}, {"bit.band(x > 5, 1)", 1}, {"bit.bor(x == 7, 0)", 0}, {"bit.band(x > 5, 0)", 0}, {"bit.band(x > 5, 3)", 1}}
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

// A small generated language for the join tests: assignments to locals
// a0..an and if/else over them, rendered as Lua and evaluated in Go.
type (
	joinExpr struct {
		kind, i, j int
		c          int64
	}
	joinStmt struct {
		k         int // assign a<k> = e, or (k < 0) an if
		e         joinExpr
		cond      joinExpr // kind: 0 <, 1 ==, 2 >=
		then, els []joinStmt
	}
)

func (e joinExpr) lua() string {
	switch e.kind {
	case 0:
		return fmt.Sprintf("a%d + a%d", e.i, e.j)
	case 1:
		return fmt.Sprintf("a%d - %d", e.i, e.c)
	case 2:
		return fmt.Sprintf("bit.bxor(a%d, a%d)", e.i, e.j)
	}
	return fmt.Sprintf("a%d * %d + a%d", e.i, e.c, e.j)
}

func (e joinExpr) eval(a []int64) int64 {
	switch e.kind {
	case 0:
		return a[e.i] + a[e.j]
	case 1:
		return a[e.i] - e.c
	case 2:
		return a[e.i] ^ a[e.j]
	}
	return a[e.i]*e.c + a[e.j]
}

func (e joinExpr) condLua() string {
	return fmt.Sprintf("a%d %s a%d + %d", e.i, []string{"<", "==", ">="}[e.kind], e.j, e.c)
}

func (e joinExpr) test(a []int64) bool {
	x, y := a[e.i], a[e.j]+e.c
	return []bool{x < y, x == y, x >= y}[e.kind]
}

// genJoin returns random statements over n locals, nesting ifs depth deep.
func genJoin(r *rand.Rand, n, depth int) []joinStmt {
	var out []joinStmt
	for range 1 + r.Intn(4) {
		if depth > 0 && r.Intn(2) == 0 {
			cond := joinExpr{kind: r.Intn(3), i: r.Intn(n), j: r.Intn(n), c: int64(r.Intn(20)) - 10}
			out = append(out, joinStmt{k: -1, cond: cond, then: genJoin(r, n, depth-1), els: genJoin(r, n, depth-1)})
			continue
		}
		e := joinExpr{kind: r.Intn(4), i: r.Intn(n), j: r.Intn(n), c: int64(r.Intn(100))}
		out = append(out, joinStmt{k: r.Intn(n), e: e})
	}
	return out
}

func renderJoin(b *strings.Builder, ss []joinStmt) {
	for _, s := range ss {
		if s.k >= 0 {
			fmt.Fprintf(b, "a%d = %s\n", s.k, s.e.lua())
			continue
		}
		fmt.Fprintf(b, "if %s then\n", s.cond.condLua())
		renderJoin(b, s.then)
		b.WriteString("else\n")
		renderJoin(b, s.els)
		b.WriteString("end\n")
	}
}

func runJoin(a []int64, ss []joinStmt) {
	for _, s := range ss {
		switch {
		case s.k >= 0:
			a[s.k] = s.e.eval(a)
		case s.cond.test(a):
			runJoin(a, s.then)
		default:
			runJoin(a, s.els)
		}
	}
}

// Twelve locals stay alive to the end, more than the ten registers, while
// if/else arms change several of them: every join has several phis and
// values are spilled around them. A phi argument's copy at the end of a
// predecessor was not live there, so another copy (or a reload) could
// take its register and the phi read the wrong value.
func TestPhiArgumentsSurviveSpills(t *testing.T) {
	const n = 12
	payload := packet.HTTPRequest("GET", "/index.html")
	r := rand.New(rand.NewSource(4))
	var cases []backendCase
	for i := range 40 {
		var b strings.Builder
		a := make([]int64, n)
		for k := range n {
			fmt.Fprintf(&b, "local a%d = pkt.ip.tcp.data[%d]\n", k, k)
			a[k] = int64(payload[k])
		}
		ss := genJoin(r, n, 1+i%3)
		renderJoin(&b, ss)
		runJoin(a, ss)
		var sum int64
		b.WriteString("return a0")
		sum = a[0]
		for k := 1; k < n; k++ {
			fmt.Fprintf(&b, " + a%d * %d", k, 2*k+1)
			sum += a[k] * int64(2*k+1)
		}
		cases = append(cases, backendCase{fmt.Sprint(i), b.String(), low32(sum)})
	}
	runBackendCases(t, nil, cases)
}

// Many map operations on constant keys, each key used more than once:
// the optimised build kept a stack slot (or a merged lookup's pointer)
// per key alive for the whole function and ran out of stack, while the
// unoptimised build compiled. Both must compile, load and count right.
func TestConstantKeysKeepStackBounded(t *testing.T) {
	want := map[uint32]uint32{}
	for i := 1; i <= 100; i++ {
		want[uint32(i%64)]++
	}
	for _, typ := range []string{"array", "hash"} {
		for _, m := range compileModes {
			t.Run(typ+"/"+m.name, func(t *testing.T) {
				maps := map[string]compile.MapSpec{"out": {Type: typ, MaxEntries: 64}}
				body := "for i = 1, 100 do xadd(out[i % 64], 1) end"
				if typ == "hash" {
					// Hash maps start empty: create each key, then add.
					// 8-byte keys: 64 of them alive at once fill the stack.
					maps["out"] = compile.MapSpec{Type: typ, KeyType: "uint64_t", MaxEntries: 64}
					body = "for k = 0, 63 do out[k] = 0 end\n" + body
				}
				coll, prog := loadCompiled(t, kernelFunc(body), maps, m.noOptimize)
				run(t, prog, frameTCP4, nil)
				for k := uint32(0); k < 64; k++ {
					var n uint32
					var key any = k
					if typ == "hash" {
						key = uint64(k)
					}
					if err := coll.Maps["out"].Lookup(key, &n); err != nil {
						t.Fatalf("out[%d]: %v", k, err)
					}
					if n != want[k] {
						t.Errorf("out[%d] = %d, want %d", k, n, want[k])
					}
				}
			})
		}
	}
}

// The seed examples compile to the same instructions every time: one
// source gave different code from run to run (and now and then no code)
// while register allocation walked Go maps.
func TestExamplesCompileDeterministically(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	for _, name := range seedExamples {
		t.Run(name, func(t *testing.T) {
			src := seedSource(t, name)
			first := seedProgramDump(t, ns, name, src)
			for i := 1; i < 20; i++ {
				if got := seedProgramDump(t, ns, name, src); got != first {
					t.Fatalf("compilation %d differs from the first:\n%s\nfirst:\n%s", i, got, first)
				}
			}
		})
	}
}

// A differential test in both builds over what the bugs above broke:
// comparisons used as numbers and compared again, shift counts of any
// size, division by values that may be 0. `%` is left to the lowering
// tests (TestIrgenC4DivisionIsC, differential_kernel_test.go).
func TestDifferentialBothBuilds(t *testing.T) {
	reads := []struct {
		lua string
		v   int64
	}{
		{"pkt.ip.ttl", ttl},
		{"pkt.ip.hlen", 5},
		{"skb.len", int64(len(frameTCP4))},
		{"ntoh(pkt.ip.tcp.src_port)", 40000},
		{"ntoh(pkt.ip.tcp.seq_num)", 0x01020304},
		{"-pkt.ip.ttl", -ttl},
		{"pkt.ip.tcp.data[5]", 'i'},
		{"pkt.ip.tcp.data[0] - 71", 0},
	}
	g := &backendGen{r: rand.New(rand.NewSource(7))}
	prologue := ""
	for i, r := range reads {
		prologue += fmt.Sprintf("local a%d = %s\n", i, r.lua)
		g.inputs = append(g.inputs, r.v)
	}
	var cases []backendCase
	for i := range 150 {
		e, v := g.gen(1 + i%5)
		if i%2 == 0 {
			cases = append(cases, backendCase{fmt.Sprint(i), prologue + "return " + e, low32(v)})
			continue
		}
		// The same under a branch: r keeps its first value or takes e's.
		c, cv := g.gen(1 + i%3)
		e2, v2 := g.gen(1 + i%4)
		k, kv := g.leaf()
		want := v2
		if cv >= kv {
			want = v
		}
		body := prologue + fmt.Sprintf("local r = %s\nif %s >= %s then r = %s end\nreturn r", e2, c, k, e)
		cases = append(cases, backendCase{fmt.Sprint(i), body, low32(want)})
	}
	runBackendCases(t, nil, cases)
}

// backendGen makes random expressions over run-time inputs and
// constants around the edges of shifts and comparisons, with their
// values under the README's rules.
type backendGen struct {
	r      *rand.Rand
	inputs []int64
}

func (g *backendGen) leaf() (string, int64) {
	if g.r.Intn(2) == 0 {
		cs := []int64{0, 1, 2, 3, 5, 7, 63, 64, 65, 100, 255, 256, -1, -2, -64, 0x7fffffff, 0x100000000}
		c := cs[g.r.Intn(len(cs))]
		if c < 0 {
			return fmt.Sprintf("(%d)", c), c
		}
		return fmt.Sprint(c), c
	}
	i := g.r.Intn(len(g.inputs))
	return fmt.Sprintf("a%d", i), g.inputs[i]
}

func (g *backendGen) gen(depth int) (string, int64) {
	if depth == 0 || g.r.Intn(5) == 0 {
		return g.leaf()
	}
	a, x := g.gen(depth - 1)
	b, y := g.gen(depth - 1)
	cmp := func(op string, r bool) (string, int64) {
		if r {
			return "(" + a + " " + op + " " + b + ")", 1
		}
		return "(" + a + " " + op + " " + b + ")", 0
	}
	switch g.r.Intn(15) {
	case 0:
		return "(" + a + " + " + b + ")", x + y
	case 1:
		return "(" + a + " - " + b + ")", x - y
	case 2:
		return "(" + a + " * " + b + ")", x * y
	case 3:
		switch {
		case y == 0:
			return "(" + a + " / " + b + ")", 0
		case y == -1:
			return "(" + a + " / " + b + ")", -x
		}
		return "(" + a + " / " + b + ")", x / y
	case 4:
		return "bit.band(" + a + ", " + b + ")", x & y
	case 5:
		return "bit.bor(" + a + ", " + b + ")", x | y
	case 6:
		return "bit.bxor(" + a + ", " + b + ")", x ^ y
	case 7:
		return "bit.lshift(" + a + ", " + b + ")", int64(uint64(x) << (uint64(y) & 63))
	case 8:
		return "bit.rshift(" + a + ", " + b + ")", int64(uint64(x) >> (uint64(y) & 63))
	case 9:
		return "bit.arshift(" + a + ", " + b + ")", x >> (uint64(y) & 63)
	case 10:
		return cmp("<", x < y)
	case 11:
		return cmp("<=", x <= y)
	case 12:
		return cmp(">", x > y)
	case 13:
		return cmp(">=", x >= y)
	}
	return cmp("==", x == y)
}
