-- bpf.dump takes a program.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.dump(42) --! error: "bad argument #1 to dump (expected a program made by bpf(fn))"
