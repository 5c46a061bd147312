package runtime

import (
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
)

// TestWideImmediates: constants that do not fit the ISA's signed 32-bit
// immediate (beyond 32 bits, and 0x80000000..0xffffffff, which an imm32
// would sign-extend) in every place an instruction takes one: ALU
// operands, conditional jumps, stores to the stack and to map values,
// and xadd. Each must mean its 64-bit value.
func TestWideImmediates(t *testing.T) {
	opts := compile.Options{Maps: map[string]compile.MapSpec{
		"m64": {Type: "array", ValueType: "uint64_t", MaxEntries: 1},
	}}
	setup := func(t *testing.T, c *ebpf.Collection) { put(t, c, "m64", uint32(0), uint64(0)) }
	const stack = "local s = ffi.new('struct { uint64_t x; }')\n"
	runBuilds(t, opts, setup, frameTCP4, []retCase{
		{name: "add 0x80000000", body: zeroLocal + "return bit.rshift(z + 0x80000000, 31)", want: 1},
		{name: "mul 0x80000000", body: zeroLocal + "return bit.rshift((z + 3) * 0x80000000, 31)", want: 3},
		{name: "and 0x80000000", body: zeroLocal + "return bit.rshift(bit.band(z - 1, 0x80000000), 31)", want: 1},
		{name: "and beyond 32 bits", body: zeroLocal + "return bit.rshift(bit.band(z + 0x1234000000, 0xff00000000), 32)", want: 0x12},
		{name: "jeq 0xffffffff", body: zeroLocal + "if z + 0xffffffff == 0xffffffff then return 1 end return 2", want: 1},
		{name: "jgt 0xffffffff", body: zeroLocal + "if z + 0x100000000 > 0xffffffff then return 1 end return 2", want: 1},
		{name: "jlt beyond 32 bits", body: zeroLocal + "if z + 0xffffffff < 0x100000000 then return 1 end return 2", want: 1},
		{name: "stack store 0x80000000", body: stack + "s.x = 0x80000000\nreturn bit.rshift(s.x, 31)", want: 1},
		{name: "stack store beyond 32 bits", body: stack + "s.x = 0x700000001\nreturn bit.rshift(s.x, 32) + bit.band(s.x, 0xff)", want: 8},
		{name: "map store 0x80000000", body: "m64[0] = 0x80000000\nreturn bit.rshift(m64[0], 31)", want: 1},
		{name: "map store beyond 32 bits", body: "m64[0] = 0x123456789\nreturn bit.rshift(m64[0], 4)", want: 0x12345678},
		{name: "xadd beyond 32 bits", body: "xadd(m64[0], 0x500000003)\nlocal v = m64[0]\nreturn bit.rshift(v, 32) * 16 + bit.band(v, 0xffffffff)", want: 83},
		{name: "xadd 0x80000000", body: "xadd(m64[0], 0x80000000)\nreturn bit.rshift(m64[0], 31)", want: 1},
	})
}
