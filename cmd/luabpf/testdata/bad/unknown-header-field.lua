-- A misspelt packet field.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return pkt.ip.protoo --! error: "pkt.ip has no field or next header 'protoo' (did you mean 'proto'?)"
end)
