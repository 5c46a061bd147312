--! needs: kernel
-- A field the record does not have.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.tracepoint('sched/sched_switch', function (arg)
	return arg.nosuch_field --! error: "sched/sched_switch has no field 'nosuch_field'"
end)
