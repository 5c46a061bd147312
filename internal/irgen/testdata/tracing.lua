--! kind kprobe
--! map stacks stack_trace int32_t -> uint64_t [127] 64
--! map counts hash int32_t -> uint64_t 64
-- A tracing kind: stack ids with flags, counted by id.
local f = function (regs)
	local id = stack_id(stacks, BPF.F_USER_STACK)
	if id >= 0 then
		xadd(counts[id], 1)
	end
	return stack_id(stacks, 0)
end
