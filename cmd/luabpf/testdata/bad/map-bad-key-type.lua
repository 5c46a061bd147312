-- A key type that is not C.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4, 'not a type') --! error: "bad argument #3 to map (unknown type name 'not'"
