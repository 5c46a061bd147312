--! needs: kernel
-- A number where the map key is a struct.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('struct { uint32_t a; uint32_t b; }'))
bpf(function (skb)
	m[1] = 1 --! error: "the map key is struct { uint32_t a; uint32_t b; }; build it with ffi.new"
	return 0
end)
