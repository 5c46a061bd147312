-- goto in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	goto done --! error: "goto and labels are not supported in kernel functions; use if/else"
	::done::
	return 0
end)
