--! needs: kernel
-- A struct of the value's size where the map value is a number: its
-- bytes are not a uint64_t, so it is refused rather than reinterpreted.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf(function (skb)
	local v = ffi.new('struct { uint32_t a; uint32_t b; }')
	m[1] = v --! error: "the map value is uint64_t (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)"
	return 0
end)
