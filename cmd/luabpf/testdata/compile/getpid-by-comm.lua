-- Counts getpid calls by process, keyed by a struct of pid and command
-- name, as tracepoint-offcputime.lua keys its counts.
local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')
local key_t = 'struct { uint32_t pid; char comm[16]; }'
local calls = bpf.map('hash', 256, ffi.typeof(key_t), ffi.typeof('uint64_t'))
bpf.tracepoint('syscalls/sys_enter_getpid', function (arg)
	local key = ffi.new(key_t)
	key.pid = bit.rshift(pid_tgid(), 32)
	comm(key.comm)
	local n = calls[key]
	if not n then calls[key] = 1 else xadd(calls[key], 1) end
end)
while true do
	for k, v in calls.pairs, calls, nil do print(k.pid, ffi.string(k.comm), v) end
	S.sleep(1)
end
