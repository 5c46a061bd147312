--! map counts hash uint32_t -> uint64_t 256
--! map arr array uint32_t -> uint32_t 16
-- Scalar keys and values: lookups, nil tests, updates, deletes, xadd,
-- reading a missing value as 0.
local f = function (skb)
	local k = pkt.ip.proto
	local v = counts[k]
	if v == nil then
		counts[k] = 1
	elseif v ~= nil then
		xadd(counts[k], skb.len)
	end
	if not arr[3] then return 0 end
	arr[2] = arr[3] + 1
	counts[7] = nil
	local n = counts[k] + 0
	if counts[8] then n = n + 1 end
	xadd(arr[1], 1)
	return n + #arr
end
