-- A map type that does not exist.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hashmap', 4) --! error: "unknown map type \"hashmap\" (known: array,"
