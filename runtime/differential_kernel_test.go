package runtime

import (
	"fmt"
	"math/rand"
	"testing"
)

// A differential test: random integer expressions over run-time inputs
// (bytes of the frame) and constants, computed by the compiled filter and
// by Go with the README's rules for numbers in kernel functions: 64-bit
// integers with a C type, unsigned when an operand is uint64_t and
// signed otherwise, C's truncating / and %, x / 0 == 0 and x % 0 == x.
// Each program returns the low 32 bits of its expression and checks the
// high 32 itself.

// num is a value with its C type: uint64_t (u) or int64_t.
type num struct {
	v int64
	u bool
}

// exprGen builds random expressions and their values.
type exprGen struct {
	r      *rand.Rand
	inputs []num // values of the locals a0..an
}

func b2n(b bool) num {
	if b {
		return num{v: 1}
	}
	return num{}
}

// divide and modulo follow the README: unsigned when either is uint64_t.
func divide(x, y num) num {
	if x.u || y.u {
		if y.v == 0 {
			return num{0, true}
		}
		return num{int64(uint64(x.v) / uint64(y.v)), true}
	}
	return num{cDiv(x.v, y.v), false}
}

func modulo(x, y num) num {
	if x.u || y.u {
		if y.v == 0 {
			return num{x.v, true}
		}
		return num{int64(uint64(x.v) % uint64(y.v)), true}
	}
	return num{cMod(x.v, y.v), false}
}

// less compares as C does after the usual arithmetic conversions.
func less(x, y num, orEqual bool) bool {
	if x.u || y.u {
		return uint64(x.v) < uint64(y.v) || orEqual && x.v == y.v
	}
	return x.v < y.v || orEqual && x.v == y.v
}

// leaf returns a constant or an input.
func (g *exprGen) leaf() (string, num) {
	if g.r.Intn(3) == 0 {
		c := int64(g.r.Intn(300)) - 20
		switch g.r.Intn(10) {
		case 0:
			c = int64(g.r.Uint32())
		case 1:
			c = int64(g.r.Uint64())
		}
		return lit(c), num{v: c}
	}
	i := g.r.Intn(len(g.inputs))
	return fmt.Sprintf("a%d", i), g.inputs[i]
}

// gen returns a Lua expression of at most depth levels and its value.
func (g *exprGen) gen(depth int) (string, num) {
	if depth == 0 || g.r.Intn(4) == 0 {
		return g.leaf()
	}
	a, x := g.gen(depth - 1)
	b, y := g.gen(depth - 1)
	u := x.u || y.u
	switch g.r.Intn(15) {
	case 0:
		return "(" + a + " + " + b + ")", num{x.v + y.v, u}
	case 1:
		return "(" + a + " - " + b + ")", num{x.v - y.v, u}
	case 2:
		return "(" + a + " * " + b + ")", num{x.v * y.v, u}
	case 3:
		return "bit.band(" + a + ", " + b + ")", num{x.v & y.v, u}
	case 4:
		return "bit.bor(" + a + ", " + b + ")", num{x.v | y.v, u}
	case 5:
		return "bit.bxor(" + a + ", " + b + ")", num{x.v ^ y.v, u}
	case 6:
		n := int64(g.r.Intn(64))
		return fmt.Sprintf("bit.lshift(%s, %d)", a, n), num{x.v << n, x.u}
	case 7:
		n := int64(g.r.Intn(64))
		return fmt.Sprintf("bit.rshift(%s, %d)", a, n), num{int64(uint64(x.v) >> n), x.u}
	case 8:
		if g.r.Intn(2) == 0 {
			return "(" + a + " / " + b + ")", divide(x, y)
		}
		return "(" + a + " % " + b + ")", modulo(x, y)
	case 9:
		// A divisor that is small, and often a power of two, as in most
		// programs.
		d := int64(g.r.Intn(33) - 16)
		if g.r.Intn(2) == 0 {
			return fmt.Sprintf("(%s %% %s)", a, lit(d)), modulo(x, num{v: d})
		}
		return fmt.Sprintf("(%s / %s)", a, lit(d)), divide(x, num{v: d})
	case 10:
		ops := []struct {
			lua string
			f   func(x, y num) bool
		}{
			{"<", func(x, y num) bool { return less(x, y, false) }},
			{"<=", func(x, y num) bool { return less(x, y, true) }},
			{">", func(x, y num) bool { return less(y, x, false) }},
			{">=", func(x, y num) bool { return less(y, x, true) }},
			{"==", func(x, y num) bool { return x.v == y.v }},
			{"~=", func(x, y num) bool { return x.v != y.v }},
		}
		op := ops[g.r.Intn(len(ops))]
		c, z := g.gen(depth - 1)
		if g.r.Intn(2) == 0 {
			return fmt.Sprintf("(%s %s %s)", a, op.lua, b), b2n(op.f(x, y))
		}
		// (cond and a or c) is a when cond holds, else c; its type is
		// what C's conditional operator makes of theirs. a is never 0
		// here, or `and` would fall through to c.
		if x.v == 0 {
			a, x = "1", num{v: 1}
		}
		v := num{z.v, x.u || z.u}
		if op.f(x, y) {
			v.v = x.v
		}
		return fmt.Sprintf("((%s %s %s) and %s or %s)", a, op.lua, b, a, c), v
	case 11:
		return "(-" + a + ")", num{-x.v, x.u}
	case 12:
		return "bit.bnot(" + a + ")", num{^x.v, x.u}
	case 13:
		return "ffi.cast('uint64_t', " + a + ")", num{x.v, true}
	default:
		casts := []struct {
			t string
			f func(int64) int64
		}{
			{"int64_t", func(v int64) int64 { return v }},
			{"uint32_t", func(v int64) int64 { return int64(uint32(v)) }},
			{"int32_t", func(v int64) int64 { return int64(int32(v)) }},
			{"uint8_t", func(v int64) int64 { return int64(uint8(v)) }},
			{"int16_t", func(v int64) int64 { return int64(int16(v)) }},
		}
		c := casts[g.r.Intn(len(casts))]
		return "ffi.cast('" + c.t + "', " + a + ")", num{c.f(x.v), false}
	}
}

// cases makes n programs from g: prologue, then the expression checked.
func (g *exprGen) cases(prologue string, n, depth int) []retCase {
	var out []retCase
	for i := 0; i < n; i++ {
		e, v := g.gen(1 + i%depth)
		body := fmt.Sprintf("%slocal r = %s\nif bit.rshift(r, 32) ~= 0x%x then return 0xbad0bad end\nreturn r", prologue, e, uint64(v.v)>>32)
		out = append(out, retCase{name: fmt.Sprint(i), body: body, want: uint32(v.v)})
	}
	return out
}

// Inputs: bytes and fields of frameTCP4 read at run time, and one
// uint64_t.
var differentialInputs = []struct {
	lua string
	v   num
}{
	{"pkt.ip.ttl", num{v: 64}},
	{"pkt.ip.hlen", num{v: 5}},
	{"skb.len", num{v: int64(len(frameTCP4))}},
	{"ntoh(pkt.ip.tcp.src_port)", num{v: 40000}},
	{"ntoh(pkt.ip.tcp.seq_num)", num{v: 0x01020304}},
	{"pkt.ip.tcp.data(0, 4)", num{v: 0x47455420}},
	{"pkt.ip.tcp.data[5] - 200", num{v: 'i' - 200}},
	{"ffi.cast('uint64_t', skb.len - 200)", num{v: int64(len(frameTCP4)) - 200, u: true}},
}

func TestDifferentialArithmetic(t *testing.T) {
	g := &exprGen{r: rand.New(rand.NewSource(1))}
	prologue := ""
	for i, in := range differentialInputs {
		prologue += fmt.Sprintf("local a%d = %s\n", i, in.lua)
		g.inputs = append(g.inputs, in.v)
	}
	runRetCases(t, "", frameTCP4, g.cases(prologue, 200, 6))
}

// The same expressions with every input a constant: what the compiler
// folds must equal what the kernel computes.
func TestDifferentialConstantFolding(t *testing.T) {
	g := &exprGen{r: rand.New(rand.NewSource(2))}
	prologue := ""
	for i, in := range differentialInputs {
		c := lit(in.v.v)
		if in.v.u {
			c = "ffi.cast('uint64_t', " + c + ")"
		}
		prologue += fmt.Sprintf("local a%d = %s\n", i, c)
		g.inputs = append(g.inputs, in.v)
	}
	runRetCases(t, "", frameTCP4, g.cases(prologue, 100, 4))
}
