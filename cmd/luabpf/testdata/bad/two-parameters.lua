-- A kernel function's parameter is its context.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb, extra) --! error: "a kernel function takes one parameter, the program context; 'extra' has no value"
	return 0
end)
