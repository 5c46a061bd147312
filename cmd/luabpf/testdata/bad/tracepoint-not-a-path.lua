-- A tracepoint is 'category/event'.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.tracepoint(5, function (arg) end) --! error: "tracepoint name '5' must be 'category/event', e.g. 'sched/sched_switch'"
