-- bpf(fn) needs a function; the argument counts from 1.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(5) --! error: "bpf(fn) compiles a Lua function for the kernel; this is a number"
