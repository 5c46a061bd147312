-- A misspelt __sk_buff field.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return skb.lenn --! error: "struct __sk_buff has no field 'lenn' (did you mean 'len'?)"
end)
