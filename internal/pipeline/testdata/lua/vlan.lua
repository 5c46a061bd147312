--! map vlans array uint32_t -> uint32_t 4096
-- VLAN tag bitfields and the header after it.
local f = function (skb)
	if pkt.type ~= 0x0081 then return 0 end  -- 0x8100 in network order
	local tag = pkt.dot1q
	if tag.ip.proto == c.ip.proto_udp then
		xadd(vlans[tag.vlanid], 1)
	end
	return tag.pri
end
