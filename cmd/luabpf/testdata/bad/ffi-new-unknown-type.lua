-- An undeclared struct in kernel code.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	local x = ffi.new('struct nosuch') --! error: "ffi.new: bad C type \"struct nosuch\": undeclared or implicit tag 'struct nosuch'"
	return 0
end)
