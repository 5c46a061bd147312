-- xadd's arguments.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	xadd(skb.len) --! error: "xadd takes two arguments: xadd(map[key], n)"
	return 0
end)
