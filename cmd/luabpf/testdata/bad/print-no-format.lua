-- print needs a format string.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	print() --! error: "print takes a format string and up to three numbers"
	return 0
end)
