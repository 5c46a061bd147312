-- Print every program started on the machine, with the process that
-- started it, as records sent through a ring buffer.
--
--   luabpf run examples/execsnoop.lua
--
-- Stop it with Ctrl-C: the first one is an error the loop's pcall
-- catches, and the script prints how many programs it saw.
local ffi = require('ffi')
local bpf = require('bpf')

local event_t = 'struct { uint32_t pid; char comm[16]; char file[64]; }'
local events = bpf.map('ringbuf', 64 * 1024)

bpf.tracepoint('sched/sched_process_exec', function (arg)
	local e = ffi.new(event_t)
	e.pid = arg.pid
	comm(e.comm)                 -- the new program's name
	ffi.copy(e.file, arg.filename) -- a __data_loc string in the record
	perf_submit(events, e)
end)

local reader = events:reader(nil, nil, event_t)
local seen = 0
print(string.format('%-7s %-16s %s', 'PID', 'COMM', 'FILE'))
pcall(function ()
	while true do
		reader:block()
		for _, e in reader:read() do
			seen = seen + 1
			print(string.format('%-7d %-16s %s', e.pid, ffi.string(e.comm), ffi.string(e.file)))
		end
	end
end)
print(string.format('%d programs started', seen))
