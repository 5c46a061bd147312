-- ntoh's arguments.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return ntoh() --! error: "ntoh takes one or two arguments: ntoh(x [, bits])"
end)
