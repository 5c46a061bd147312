--! needs: kernel
-- Readers read event maps.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4)
m:reader() --! error: "map:reader reads perf_event_array and ringbuf maps; this is a hash map"
