--! map flows hash struct { uint32_t src; uint32_t dst; uint16_t sport; uint16_t dport; } -> uint64_t 1024
-- A struct key built on the stack, and a 64-bit counter.
local ffi = require('ffi')
local f = function (skb)
	local ip = pkt.ip
	if ip.proto ~= c.ip.proto_tcp then return 0 end
	local key = ffi.new('struct { uint32_t src; uint32_t dst; uint16_t sport; uint16_t dport; }')
	key.src = ip.src
	key.dst = ip.dst
	key.sport = ip.tcp.src_port
	key.dport = ip.tcp.dst_port
	local v = flows[key]
	if v then
		xadd(v, skb.len)
	else
		flows[key] = skb.len
	end
	return 0
end
