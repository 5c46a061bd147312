-- load_bytes's arguments.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return load_bytes(0) --! error: "load_bytes takes two or three arguments: load_bytes(offset, buf [, length])"
end)
