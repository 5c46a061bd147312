-- Iterating a map in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	for k, v in pairs({}) do end --! error: "generic for loops (pairs, ipairs, iterators) are not supported in kernel functions"
	return 0
end)
