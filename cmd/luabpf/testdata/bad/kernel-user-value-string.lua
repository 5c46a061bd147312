--! needs: kernel
-- A string value for a map of uint32_t values, in userspace.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4)
m[1] = 'abc' --! error: "bad map value: cannot convert 'string' to 'uint32_t'"
