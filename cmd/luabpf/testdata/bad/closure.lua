-- Functions inside kernel functions.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local f = function () return 1 end --! error: "kernel functions cannot define functions; define it in the script, outside the kernel function, and call it (the call is inlined)"
	return 0
end)
