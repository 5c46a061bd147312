-- bpf.map's first argument is the map type.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map() --! error: "bad argument #1 to map (string expected, got nil)"
