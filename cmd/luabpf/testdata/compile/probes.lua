-- A kretprobe and a uprobe. This kernel has no kprobes, but compiling
-- needs none: the object is for machines that have them.
local bpf = require('bpf')
local S = require('syscall')
local hits = bpf.map('array', 2)
bpf.kprobe('opens:do_sys_openat2', function (ptregs)
	xadd(hits[0], 1)
end, true)
bpf.uprobe('c:malloc', function (ptregs)
	xadd(hits[1], 1)
end)
S.sleep(1)
