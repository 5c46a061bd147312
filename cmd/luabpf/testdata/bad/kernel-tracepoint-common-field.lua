--! needs: kernel
-- The kernel keeps common_ fields from programs.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.tracepoint('sched/sched_switch', function (arg)
	local x = arg.common_pid --! error: "a tracepoint cannot read arg.common_pid"
end)
