-- Kernel functions return numbers.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return 'abc' --! error: "the return value must be a number, but it is a string"
end)
