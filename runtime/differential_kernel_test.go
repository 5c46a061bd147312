package runtime

import (
	"fmt"
	"math/rand"
	"regexp"
	"testing"
)

// A differential test: random integer expressions over run-time inputs
// (bytes of the frame) and constants, computed by the compiled filter and
// by Go with the kernel-code semantics (64-bit integers, `/` and `%` on
// non-negative operands here), compared on the low 32 bits the test run
// returns.

// exprGen builds random expressions and their values.
type exprGen struct {
	r      *rand.Rand
	inputs []int64 // values of the locals a0..an
	consts bool    // the inputs a0..an are constants, not run-time values
}

// inputName matches a use of a run-time input.
var inputName = regexp.MustCompile(`\ba[0-9]`)

// gen returns a Lua expression of at most depth levels and its value.
// Division only divides expressions that use an input, so folding and
// the kernel both see it.
func (g *exprGen) gen(depth int) (string, int64) {
	if depth == 0 || g.r.Intn(4) == 0 {
		if g.r.Intn(3) == 0 {
			c := int64(g.r.Intn(300)) - 20
			if g.r.Intn(8) == 0 {
				c = int64(g.r.Uint32())
			}
			if c < 0 {
				return fmt.Sprintf("(%d)", c), c
			}
			return fmt.Sprint(c), c
		}
		i := g.r.Intn(len(g.inputs))
		return fmt.Sprintf("a%d", i), g.inputs[i]
	}
	a, x := g.gen(depth - 1)
	b, y := g.gen(depth - 1)
	op := g.r.Intn(13)
	if op == 8 && !inputName.MatchString(a) {
		op = 9
	}
	switch op {
	case 0:
		return "(" + a + " + " + b + ")", x + y
	case 1:
		return "(" + a + " - " + b + ")", x - y
	case 2:
		return "(" + a + " * " + b + ")", x * y
	case 3:
		return "bit.band(" + a + ", " + b + ")", x & y
	case 4:
		return "bit.bor(" + a + ", " + b + ")", x | y
	case 5:
		return "bit.bxor(" + a + ", " + b + ")", x ^ y
	case 6:
		n := int64(g.r.Intn(40))
		return fmt.Sprintf("bit.lshift(%s, %d)", a, n), x << n
	case 7:
		n := int64(g.r.Intn(40))
		return fmt.Sprintf("bit.rshift(%s, %d)", a, n), int64(uint64(x) >> n)
	case 8:
		d := int64(g.r.Intn(50) + 1)
		return fmt.Sprintf("(bit.band(%s, 0xffff) / %d)", a, d), (x & 0xffff) / d
	case 9:
		d := int64(g.r.Intn(50) + 1)
		return fmt.Sprintf("(bit.band(%s, 0xffff) %% %d)", a, d), (x & 0xffff) % d
	case 10:
		ops := []struct {
			lua string
			f   func(x, y int64) bool
		}{
			{"<", func(x, y int64) bool { return x < y }},
			{"<=", func(x, y int64) bool { return x <= y }},
			{">", func(x, y int64) bool { return x > y }},
			{">=", func(x, y int64) bool { return x >= y }},
			{"==", func(x, y int64) bool { return x == y }},
			{"~=", func(x, y int64) bool { return x != y }},
		}
		op := ops[g.r.Intn(len(ops))]
		c, z := g.gen(depth - 1)
		v := z
		if op.f(x, y) {
			v = x
		}
		// (cond and a or c): a is never 0 here, or `and` would fall
		// through to c.
		if x == 0 {
			return fmt.Sprintf("((%s %s %s) and 1 or %s)", a, op.lua, b, c), map[bool]int64{true: 1, false: z}[op.f(x, y)]
		}
		return fmt.Sprintf("((%s %s %s) and %s or %s)", a, op.lua, b, a, c), v
	case 11:
		return "(-" + a + ")", -x
	default:
		return "bit.bnot(" + a + ")", ^x
	}
}

func TestDifferentialArithmetic(t *testing.T) {
	// Inputs: bytes and fields of frameTCP4 read at run time.
	reads := []struct {
		lua string
		v   int64
	}{
		{"pkt.ip.ttl", 64},
		{"pkt.ip.hlen", 5},
		{"skb.len", int64(len(frameTCP4))},
		{"ntoh(pkt.ip.tcp.src_port)", 40000},
		{"ntoh(pkt.ip.tcp.seq_num)", 0x01020304},
		{"pkt.ip.tcp.data(0, 4)", 0x47455420},
		{"pkt.ip.tcp.data[5]", 'i'},
		{"ntoh(pkt.ip.dst)", 0xc0a80114},
	}
	g := &exprGen{r: rand.New(rand.NewSource(1))}
	prologue := ""
	for i, r := range reads {
		prologue += fmt.Sprintf("local a%d = %s\n", i, r.lua)
		g.inputs = append(g.inputs, r.v)
	}
	var cases []retCase
	for i := 0; i < 200; i++ {
		e, v := g.gen(1 + i%6)
		cases = append(cases, retCase{name: fmt.Sprint(i), body: prologue + "return " + e, want: uint32(v)})
	}
	runRetCases(t, "", frameTCP4, cases)
}

// The same expressions with every input a constant: what the compiler
// folds must equal what the kernel computes.
func TestDifferentialConstantFolding(t *testing.T) {
	g := &exprGen{r: rand.New(rand.NewSource(2)), consts: true, inputs: []int64{64, 5, 101, 40000, 0x01020304, 0x47455420, 'i', 0xc0a80114}}
	prologue := ""
	for i, v := range g.inputs {
		prologue += fmt.Sprintf("local a%d = %d\n", i, v)
	}
	var cases []retCase
	for i := 0; i < 100; i++ {
		e, v := g.gen(1 + i%4)
		cases = append(cases, retCase{name: fmt.Sprint(i), body: prologue + "return " + e, want: uint32(v)})
	}
	runRetCases(t, "", frameTCP4, cases)
}
