-- A name kernel code cannot see.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return frobnicate(1) --! error: "unknown name 'frobnicate'"
end)
