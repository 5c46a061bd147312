-- Functions inside kernel functions.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local f = function () return 1 end --! error: "closures are not supported in kernel functions; move the function to top level"
	return 0
end)
