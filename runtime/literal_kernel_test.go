package runtime

import "testing"

// LuaJIT's 64-bit literals in kernel functions are 64-bit constants,
// folded and at run time alike.
func TestLiterals64Kernel(t *testing.T) {
	const x = "local x = pkt.ip.ttl\n" // 17
	runRetCases(t, "", frameUDP4, []retCase{
		{name: "ULL", body: "return 5ULL", want: 5},
		{name: "LL", body: "return 5LL + 1", want: 6},
		{name: "hex any case", body: "return 0xffull + 0X10Ll", want: 0x10f},
		{name: "run-time", body: x + "return x * 2ULL + 1LL", want: 35},
		{name: "64-bit constant", body: x + "return bit.rshift(x * 0x100000000LL, 32)", want: 17},
		{name: "all 64 bits", body: "return bit.rshift(0xffffffffffffffffULL, 60)", want: 15},
		{name: "all 64 bits at run time", body: x + "return bit.rshift(0xffffffffffffffffULL - x + 17, 60)", want: 15},
		{name: "negative", body: "return -5LL + 8", want: 3},
		{name: "in a comparison", body: x + "if x < 18LL then return 1 end return 2", want: 1},
		{name: "string left alone", body: "if pkt.ip.udp.data(0, 4) == '5ULL' then return 1 end return 2", want: 2},
	})
}
