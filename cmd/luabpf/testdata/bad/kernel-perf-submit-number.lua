--! needs: kernel
-- perf_submit sends a stack object.
local bpf = require('bpf')
local ffi = require('ffi')
local ev = bpf.map('perf_event_array')
bpf.tracepoint('sched/sched_switch', function (arg)
	perf_submit(ev, 1) --! error: "perf_submit sends a stack object made with ffi.new; this is a number"
end)
