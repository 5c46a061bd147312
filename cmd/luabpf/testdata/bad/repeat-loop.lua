-- Loops the compiler cannot unroll.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local i = 0
	repeat i = i + 1 until i > 3 --! error: "repeat loops are not supported in kernel functions"
	return i
end)
