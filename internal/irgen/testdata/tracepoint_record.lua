--! tracepoint syscalls/sys_enter_openat
--! map counts hash int64_t -> uint64_t 64
-- A tracepoint's record: a system call's int argument read as the int
-- the format declares, its string argument (a pointer to user memory)
-- copied plainly and as a C string, and compared.
local f = function (arg)
	local name = ffi.new('char [32]')
	ffi.copy(name, arg.filename)
	local exact = ffi.new('char [16]')
	ffi.copy(exact, ffi.string(arg.filename))
	if name == '/etc/passwd' or ffi.string(arg.filename) == '/tmp' then
		xadd(counts[arg.dfd], 1)
	end
	return arg.flags
end
