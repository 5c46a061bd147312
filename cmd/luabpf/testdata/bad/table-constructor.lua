-- Tables do not exist in the kernel.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local t = {1, 2} --! error: "table constructors are not supported in kernel functions; build a stack object with ffi.new"
	return 0
end)
