--! kind uprobe
-- The original's probe_read(dst, src [, type]): the size of dst, or of
-- type, copied from the address src holds (user memory in a uprobe).
local f = function (regs)
	local buf = ffi.new('char [8]')
	probe_read(buf, regs.parm1)
	local two = ffi.new('char [8]')
	probe_read(two, regs.parm2, 'uint16_t')
	return buf[0] + two[1]
end
