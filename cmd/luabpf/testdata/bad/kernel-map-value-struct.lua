--! needs: kernel
-- A stack object where the map value is a number.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf(function (skb)
	m[1] = ffi.new('struct { uint64_t a; uint64_t b; }') --! error: "the map value is uint64_t (8 bytes), but this is struct { uint64_t a; uint64_t b; } (16 bytes)"
	return 0
end)
