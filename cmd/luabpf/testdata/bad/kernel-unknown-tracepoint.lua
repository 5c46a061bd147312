--! needs: kernel
-- A misspelt tracepoint.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.tracepoint('sched/sched_switchh', function (arg) end) --! error: "no tracepoint 'sched/sched_switchh' in this kernel (did you mean 'sched/sched_switch'?)"
