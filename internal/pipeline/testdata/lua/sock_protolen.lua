--! map map array uint32_t -> uint64_t 256
-- The kernel part of seed/examples/sock-protolen.lua.
local f = function (skb)
	local proto = pkt.ip.proto  -- Get byte (ip.proto) from frame at [23]
	xadd(map[proto], skb.len)   -- Atomic `map[proto] += <payload length>`
end
