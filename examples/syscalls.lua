-- Count system calls per process name, from a tracepoint.
--
--   luabpf run examples/syscalls.lua [seconds]
--
-- The function runs in the kernel on every system call entry: it reads
-- the calling task's name into a stack buffer and counts into a map
-- keyed by it. Userspace prints the busiest processes once a second.
local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')

local seconds = tonumber(arg[1]) or 5
local key_t = ffi.typeof('struct { char comm[16]; }')
local calls = assert(bpf.map('hash', 1024, key_t, ffi.typeof('uint64_t')))

bpf.tracepoint('raw_syscalls/sys_enter', function (args)
	local key = ffi.new(key_t)
	comm(key.comm)
	xadd(calls[key], 1)      -- a missing key is left alone, so
	if not calls[key] then   -- make it on the first call
		calls[key] = 1
	end
end)

for _ = 1, seconds do
	S.sleep(1)
	local top = {}
	for k, n in pairs(calls) do
		top[#top + 1] = {name = ffi.string(k.comm), n = n}
		calls[k] = nil
	end
	table.sort(top, function (a, b) return a.n > b.n end)
	local line = {}
	for i = 1, math.min(5, #top) do
		line[i] = string.format('%s %d', top[i].name, top[i].n)
	end
	print(table.concat(line, ', '))
end
