-- Functions inside kernel functions.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local f = function () return 1 end --! error: "kernel functions cannot define functions (luabpf makes no BPF-to-BPF calls yet); write the code inline"
	return 0
end)
