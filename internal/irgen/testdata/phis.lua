--! map m hash uint32_t -> uint32_t 16
-- Values merging where paths join: numbers of different types,
-- constants, packet positions, map values.
local f = function (skb)
	local x = 1
	local pos = pkt.ip.udp.data
	local v = m[1]
	local w8 = pkt.ip.ttl
	if skb.len > 100 then
		x = skb.len
		pos = pos + 4
		v = m[2]
		w8 = pkt.ip.tlen
	elseif skb.len > 50 then
		x = 2
	end
	local y = 0
	if skb.mark == 1 then y = 7 end
	local same = 5
	if skb.mark == 2 then same = 5 end
	return x + y + same + pos[0] + w8 + (v and 1 or 0)
end
