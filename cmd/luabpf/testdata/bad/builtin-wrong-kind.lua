-- A helper socket filters may not call.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	return stack_id(nil, 0) --! error: "stack_id is not available in socket filter programs"
end)
