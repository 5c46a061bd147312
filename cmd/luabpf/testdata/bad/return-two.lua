-- Kernel functions return one number.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return 1, 2 --! error: "kernel functions return one number; return a single value"
end)
