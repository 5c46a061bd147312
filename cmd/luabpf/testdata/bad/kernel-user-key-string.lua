--! needs: kernel
-- A string key for a map of uint32_t keys, in userspace.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4)
m['abc'] = 1 --! error: "bad map key: cannot convert 'string' to 'uint32_t'"
