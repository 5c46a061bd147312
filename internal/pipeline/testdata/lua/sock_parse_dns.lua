--! map map array uint32_t -> uint32_t 256
-- The kernel part of seed/examples/sock-parse-dns.lua.
local f = function (skb)
	local ip = pkt.ip   -- Accept only UDP messages
	if ip.proto ~= c.ip.proto_udp then return false end
	local udp = ip.udp  -- Only messages >12 octets (DNS header)
	if udp.length < 12 then return false end
	-- Unroll QNAME (up to 2 labels)
	udp = udp.data + 12
	local label = udp[0]
	if label > 0 then
		udp = udp + label + 1
		label = udp[0]
		if label > 0 then
			udp = udp + label + 1
		end
	end
	-- Track QTYPE (low types)
	if udp[0] == 0 then
		local qtype = udp[2] -- Low octet from QTYPE
		xadd(map[qtype], 1)
	end
end
