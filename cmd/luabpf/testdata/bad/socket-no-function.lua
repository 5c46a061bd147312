-- bpf.socket needs what to attach.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.socket('lo') --! error: "bad argument #2 to socket (expected a kernel function or a program made by bpf(fn))"
