-- More stack than the kernel gives a program.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local buf = ffi.new('char [600]') --! error: "char [600] is 600 bytes; the kernel gives a program 512 bytes of stack"
	return 0
end)
