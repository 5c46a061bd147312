--! needs: kernel
-- A struct of the key's size where the map key is a number.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('uint64_t'), ffi.typeof('uint64_t'))
bpf(function (skb)
	local k = ffi.new('struct { uint32_t a; uint32_t b; }')
	m[k] = 1 --! error: "the map key is uint64_t (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)"
	return 0
end)
