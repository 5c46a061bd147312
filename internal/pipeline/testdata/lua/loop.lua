--! map counts array uint32_t -> uint64_t 16
-- A numeric for loop with constant bounds is unrolled; break leaves it.
local f = function (skb)
	local d = pkt.ip.udp.data
	local sum = 0
	for i = 0, 7 do
		local b = d[i]
		if b == 0 then break end
		sum = sum + b
	end
	xadd(counts[sum % 16], 1)
end
