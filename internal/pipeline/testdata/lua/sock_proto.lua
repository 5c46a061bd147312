--! map map hash uint32_t -> uint32_t 256
-- The kernel part of seed/examples/sock-proto.lua.
local f = function (skb)
   local proto = pkt.ip.proto  -- Get byte (ip.proto) from frame at [23]
   xadd(map[proto], 1)         -- Atomic `map[proto] += 1`
end
