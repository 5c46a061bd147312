-- Loops the compiler cannot unroll.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local i = 0
	while i < 10 do i = i + 1 end --! error: "while loops are not supported in kernel functions; use a numeric for loop with constant bounds"
	return i
end)
