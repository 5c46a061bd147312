-- xadd adds to a map value.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	xadd(1, 2) --! error: "xadd needs a map value to add to, as in xadd(map[key], 1); this is a number"
	return 0
end)
