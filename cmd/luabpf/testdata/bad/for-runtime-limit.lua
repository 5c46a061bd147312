-- A loop limit known only when the program runs.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	for i = 1, skb.len do end --! error: "the loop limit must be a number known at compile time"
	return 0
end)
