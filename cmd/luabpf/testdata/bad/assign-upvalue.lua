-- Kernel code cannot change a userspace variable.
local bpf = require('bpf')
local ffi = require('ffi')
local n = 1
bpf(function (skb)
	n = 2 --! error: "cannot assign to 'n' here"
	return 0
end)
