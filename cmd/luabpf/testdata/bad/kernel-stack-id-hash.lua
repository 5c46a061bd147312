--! needs: kernel
-- stack_id needs a stack_trace map.
local bpf = require('bpf')
local ffi = require('ffi')
local m = bpf.map('hash', 4)
bpf.tracepoint('sched/sched_switch', function (arg)
	local id = stack_id(m, 0) --! error: "stack_id cannot use a hash map"
end)
