-- Calls of the script's Lua functions are inlined: parameters bound to
-- the arguments, returns merged where the call continues, the callee's
-- instructions on its own lines.
--! map counts array int32_t -> uint64_t 4
--! func is_small
--! func bump
--! func classify
local function is_small(n) return n < 100 end
local function bump(i) xadd(counts[i], 1) end
local function classify(n, extra)
	if is_small(n) then
		bump(0)
		return 1
	end
	if extra == nil then return 2 end
	return 3
end
local f = function (skb)
	local a = classify(skb.len)
	local b = classify(skb.mark, 1, 2)
	return a + b
end
