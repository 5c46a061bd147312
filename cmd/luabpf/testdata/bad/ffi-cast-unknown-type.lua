-- An unknown type name in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return ffi.cast('nosuch_t', 1) --! error: "ffi.cast: bad C type \"nosuch_t\": unknown type name 'nosuch_t'"
end)
