-- A kernel function's parameter is its context.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (...) --! error: "varargs (...) are not supported in kernel functions; name the parameters"
	return 0
end)
