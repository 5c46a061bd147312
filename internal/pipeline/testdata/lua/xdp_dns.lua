--! kind XDP
--! map map array uint32_t -> uint32_t 256
-- sock-parse-dns's logic as an XDP program: count DNS query types of
-- UDP messages, skipping up to two QNAME labels. Frames it does not
-- count pass.
local f = function (ctx)
	local ip = pkt.ip   -- Accept only UDP messages
	if ip.proto ~= c.ip.proto_udp then return BPF.XDP_PASS end
	local udp = ip.udp  -- Only messages >12 octets (DNS header)
	if udp.length < 12 then return BPF.XDP_PASS end
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
	return BPF.XDP_PASS
end
