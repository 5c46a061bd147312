package ffi

import "testing"

// TestExampleUses runs ffi and bit the way the original examples and
// bpf.lua use them.
func TestExampleUses(t *testing.T) {
	runCases(t, []luaCase{
		{"http strkey", `
			local strkey = ffi.new('uint32_t [1]')
			strkey[0] = 0x20544547
			print(ffi.string(strkey, 4))
			print((ffi.string(strkey, 4):match '^%s*(.-)%s*$'))`,
			"GET \nGET"},
		{"uint64 plus number", `print(ffi.new('uint64_t', 2^40) + 1)`, "1099511627777ULL"},
		{"tonumber uint32", `print(tonumber(ffi.new('uint32_t', 7)))`, "7"},
		{"offcputime key", `
			local key_t = 'struct { char name[16]; int32_t stack_id; }'
			local k = ffi.new(key_t)
			ffi.copy(k.name, 'bash')
			k.stack_id = -3
			print(ffi.string(k.name), k.stack_id, ffi.sizeof(k))
			print(string.format("    %-16s %s", "-", ffi.string(k.name)))`,
			"bash -3 20\n    -                bash"},
		{"readline sample", `
			local sample_t = 'struct { uint64_t pid; char str[80]; }'
			local e = ffi.new(sample_t)
			e.pid = 4242
			ffi.copy(e.str, 'ls -l')
			print(string.format('%12s%-16s %s', '', tonumber(e.pid), ffi.string(e.str)))`,
			"            4242             ls -l"},
		{"map typeof", `
			local k, v = ffi.typeof('uint32_t'), ffi.typeof('uint64_t')
			print(ffi.sizeof(k), ffi.sizeof(v), tostring(k), tostring(v))
			local key = ffi.new(ffi.typeof('$ [1]', k))
			local val = ffi.new(ffi.typeof('$ [1]', v))
			key[0], val[0] = 17, 2^33
			print(ffi.sizeof(key), key[0], val[0], tonumber(val[0]))`,
			"4 8 ctype<uint32_t> ctype<uint64_t>\n4 17 8589934592ULL 8589934592"},
		{"kallsyms strtoull", `
			ffi.cdef 'unsigned long long strtoull(const char *, char **, int);'
			local ksyms = {}
			for l in ('ffffffff81000000 T _text\nffffffff81000040 t secondary\n'):gmatch('[^\n]+') do
				local addr, sym = l:match '(%w+) %w (%S+)'
				if addr then ksyms[#ksyms+1] = {ffi.C.strtoull(addr, nil, 16), sym} end
			end
			print(ksyms[1][1], ksyms[1][2], ksyms[2][1] - ksyms[1][1])`,
			"18446744071578845184ULL _text 64ULL"},
		{"sym_addr formatting", `
			local sym = ffi.new('uint64_t', 0x7f0012345678)
			print(string.format('%x%04x', tonumber(bit.rshift(sym, 32)), tonumber(ffi.cast('uint32_t', sym))))`,
			"7f0012345678"},
		{"as_u32 copy", `
			local as_u32 = ffi.new('uint32_t [1]')
			local sub = ('abcdefgh'):sub(1, ffi.sizeof(as_u32))
			ffi.copy(as_u32, sub, #sub)
			print(bit.tohex(as_u32[0]))`,
			"64636261"},
		{"typename reflection", `
			local function typename(v) return string.match(tostring(ffi.typeof(v)), '<([^>]+)') end
			print(typename(ffi.new('uint8_t [4]')), typename(ffi.new('char *')), typename(ffi.new('uint64_t')))`,
			"uint8_t [4] char * uint64_t"},
		{"istype 64-bit const", `
			print(ffi.istype(ffi.typeof('uint64_t'), ffi.new('uint64_t', 1)), ffi.istype(ffi.typeof('int64_t'), 1))`,
			"true false"},
		{"osversion bit math", `
			local version, count = 0, 2
			for i in ('5.15.2'):gmatch('%d+') do
				version = bit.bor(version, bit.lshift(tonumber(i), 8*count))
				count = count - 1
			end
			print(bit.tohex(version))`,
			"00050f02"},
		{"struct bpf constants", `
			ffi.cdef [[
			struct bpf { static const int LD = 0x00; static const int ALU64 = 0x07; static const int F_FAST_STACK_CMP = 1 << 9; static const int NET_OFF = -0x100000; };
			static const int BPF_MAX_STACK_DEPTH = 127;
			struct bpf_stacktrace { uint64_t ip[BPF_MAX_STACK_DEPTH]; };
			]]
			local BPF = ffi.typeof('struct bpf')
			print(BPF.LD, BPF.ALU64 + BPF.LD, BPF.F_FAST_STACK_CMP, BPF.NET_OFF, ffi.sizeof('struct bpf_stacktrace'), ffi.C.BPF_MAX_STACK_DEPTH)`,
			"0 7 512 -1048576 1016 127"},
	})
}
