-- A decimal literal beyond int64_t in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return 99999999999999999999 --! error: "the number 99999999999999999999 is beyond the range of kernel integers"
end)
