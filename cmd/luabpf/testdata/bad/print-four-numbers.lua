-- trace_printk takes three numbers at most.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	print('%d %d %d %d', 1, 2, 3, 4) --! error: "print takes a format string and up to three numbers"
	return 0
end)
