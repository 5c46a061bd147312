-- A constant index beyond a stack array.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local a = ffi.new('uint8_t [4]')
	return a[9] --! error: "index 9 is out of range for a[...] (uint8_t [4])"
end)
