--! needs: kernel
-- A stack object where the map value is a number.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))
bpf(function (skb)
	m[1] = ffi.new('struct { uint64_t a; uint64_t b; }') --! error: "the map value must be a number, but it is a stack object (struct { uint64_t a; uint64_t b; })"
	return 0
end)
