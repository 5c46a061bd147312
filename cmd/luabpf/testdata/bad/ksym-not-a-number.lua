-- bpf.ksym takes an address.
local bpf = require('bpf')
local ffi = require('ffi')
print(bpf.ksym('x')) --! error: "bad argument #1 to ksym (number expected, got string)"
