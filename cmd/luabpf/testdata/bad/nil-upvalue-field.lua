-- A field of an upvalue table that is not there.
local bpf = require('bpf')
local ffi = require('ffi')
local cfg = {}
bpf(function (skb)
	return cfg.port --! error: "'cfg.port' is nil: the table has no \"port\""
end)
