-- max_entries is a number.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 'x') --! error: "max_entries must be a whole number from 1 to 4294967295, not x"
