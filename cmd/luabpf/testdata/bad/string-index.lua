-- Strings are constants, not arrays.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local s = 'abc'
	return s[1] --! error: "cannot index a string (s[...])"
end)
