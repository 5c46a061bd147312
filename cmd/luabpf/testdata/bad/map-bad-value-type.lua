-- A value type that is not C.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, ffi.typeof('uint32_t'), 'x') --! error: "bad argument #4 to map (unknown type name 'x'"
