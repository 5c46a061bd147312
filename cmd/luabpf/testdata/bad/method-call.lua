-- Method calls in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return skb:len() --! error: "method calls (skb:len) are not supported in kernel functions"
end)
