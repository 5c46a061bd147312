package irgen_test

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/compile"
)

// Regression tests for lowering bugs that need no kernel: what compiles,
// what is rejected and with which message, and which instructions come
// out. The kernel tests in runtime (irgen_regress_*_kernel_test.go) check
// what the programs compute.

// source wraps body as the function test.lua compiles (body starts on
// line 2).
func source(body string) string {
	return "local f = function (skb)\n" + body + "\nend\n"
}

func compileBody(t *testing.T, body string) (*compile.Program, error) {
	t.Helper()
	return compile.Source("test.lua", source(body), &compile.Options{
		Maps: map[string]compile.MapSpec{"m": {Type: "hash", ValueType: "uint64_t", MaxEntries: 4}},
	})
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		// C6: the trip count of these wrapped to 0 and they compiled.
		{"C6 loop over the whole range", "for i = 0x8000000000000000, 0x7fffffffffffffff do end",
			[]string{"test.lua:2:", "runs 18446744073709551616 times", "at most 1024"}},
		{"C6 loop over half the range", "for i = 0, 0x7fffffffffffffff do end",
			[]string{"test.lua:2:", "runs 9223372036854775808 times"}},
		{"C6 loop down over the whole range", "for i = 0x7fffffffffffffff, 0x8000000000000000, -1 do end",
			[]string{"runs 18446744073709551616 times"}},
		// C8: decimal literals went through float64.
		{"C8 decimal literal beyond int64", "return 9223372036854775808",
			[]string{"test.lua:2:", "9223372036854775808", "beyond", "0x8000000000000000"}},
		{"C8 hex literal beyond 64 bits", "return 0x10000000000000000",
			[]string{"test.lua:2:", "0x10000000000000000", "64 bits"}},
		// Run-time indices where they cannot work.
		{"C5 print of an element at a run-time index", "local a = ffi.new('char [2][4]')\nprint('%s', a[skb.len])",
			[]string{"test.lua:3:", "print", "run time", "ffi.copy"}},
		{"C5 two run-time indices", "local a = ffi.new('uint8_t [2][2]')\nreturn a[skb.len][skb.len]",
			[]string{"test.lua:3:", "two indices"}},
		// C7: a slice of a width ntoh cannot swap.
		{"C7 ntoh of a 3-byte slice", "return ntoh(pkt.ip.udp.data(0, 3))",
			[]string{"test.lua:2:", "3-byte", "ntoh(x, 32)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileBody(t, tc.body)
			if err == nil {
				t.Fatalf("compiled, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// A packed struct in a map value puts a 64-bit counter at an odd offset,
// where an atomic add cannot work: the error says why.
func TestXaddMisalignedMember(t *testing.T) {
	_, err := compile.Source("test.lua", source("xadd(m[1].n, 1)"), &compile.Options{
		Maps: map[string]compile.MapSpec{"m": {Type: "hash", ValueType: "struct { uint8_t a; uint64_t n; } __attribute__((packed))", MaxEntries: 4}},
	})
	if err == nil || !strings.Contains(err.Error(), "test.lua:2:") || !strings.Contains(err.Error(), "misaligned") {
		t.Fatalf("error %v, want one at test.lua:2 saying the member is misaligned", err)
	}
}

// C4: division and remainder by a constant 0 are what the BPF machine
// gives (x / 0 is 0, x % 0 is x), folded or not; they were compile
// errors.
func TestC4DivisionByZeroCompiles(t *testing.T) {
	for _, body := range []string{"return 1 / 0", "return 7 % 0", "return 7 % nil", "return 7 / false", "return skb.len / 0", "return skb.len % 0"} {
		if _, err := compileBody(t, body); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// aluOps counts the ALU operations in p.
func aluOps(p *compile.Program) map[asm.ALUOp]int {
	out := map[asm.ALUOp]int{}
	for _, ins := range p.Spec.Instructions {
		if c := ins.OpCode.Class(); c == asm.ALUClass || c == asm.ALU64Class {
			out[ins.OpCode.ALUOp()]++
		}
	}
	return out
}

// C13 and C4: which division the C type rules pick. A uint64_t operand
// makes it unsigned; signed operands that cannot be negative (a byte, a
// length) use the unsigned instruction, which every BPF version has;
// others need the signed one.
func TestC13DivisionKind(t *testing.T) {
	for _, tc := range []struct {
		body     string
		op, not  asm.ALUOp
		category string
	}{
		{"return ffi.cast('uint64_t', skb.len - 100) / 3", asm.Div, asm.SDiv, "uint64_t dividend"},
		{"return (skb.len - 100) / ffi.cast('uint64_t', 3)", asm.Div, asm.SDiv, "uint64_t divisor"},
		{"return m[1] / (skb.len - 100)", asm.Div, asm.SDiv, "uint64_t map value"},
		{"return (skb.len - 100) / 3", asm.SDiv, asm.Div, "negative dividend"},
		{"return skb.len / 3", asm.Div, asm.SDiv, "length"},
		{"return (skb.len - 100) % 3", asm.SMod, asm.Mod, "negative remainder"},
		{"return bit.band(skb.len - 100, 0xff) % 3", asm.Mod, asm.SMod, "masked"},
	} {
		t.Run(tc.category, func(t *testing.T) {
			p, err := compileBody(t, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			ops := aluOps(p)
			if ops[tc.op] == 0 || ops[tc.not] != 0 {
				t.Errorf("%s: ALU ops %v, want %v and no %v\n%v", tc.body, ops, tc.op, tc.not, p.Spec.Instructions)
			}
		})
	}
}

// math.log2 is branch-free: its halving steps made conditional jumps,
// which multiplied the verifier's paths.
func TestLog2IsBranchFree(t *testing.T) {
	p, err := compileBody(t, "return math.log2(skb.len) + math.log10(skb.len * 7) + math.log(skb.len + 9)")
	if err != nil {
		t.Fatal(err)
	}
	for _, ins := range p.Spec.Instructions {
		if ins.OpCode.Class().IsJump() {
			if j := ins.OpCode.JumpOp(); j != asm.Exit && j != asm.Call {
				t.Fatalf("math.log2 compiles to a jump: %v", ins)
			}
		}
	}
}

// TestMapOneElementMirror: the README lets a scalar fill a map type of
// one element (uint64_t [1]), and a stack object of that type fill a
// scalar map type of its size; both compile, unlike a struct of the
// same size (TestUserErrors).
func TestMapOneElementMirror(t *testing.T) {
	for _, tc := range []struct{ name, value, body string }{
		{"array object into scalar value", "uint64_t", "local v = ffi.new('uint64_t [1]')\nm[1] = v\nreturn 0"},
		{"scalar object into array value", "uint64_t [1]", "local v = ffi.new('uint64_t')\nm[1] = v\nreturn 0"},
		{"narrow scalar object into wide value", "uint64_t", "local v = ffi.new('uint32_t', 7)\nm[1] = v\nreturn 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compile.Source("test.lua", source(tc.body), &compile.Options{
				Maps: map[string]compile.MapSpec{"m": {Type: "hash", ValueType: tc.value, MaxEntries: 4}},
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
