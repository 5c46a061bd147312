-- IPv6 with one extension header.
local f = function (skb)
	local ip6 = pkt.ip6
	if ip6.ver ~= 6 then return 0 end
	if ip6.next_header == c.ip.proto_udp then
		return ntoh(ip6.udp.dst_port)
	end
	if ip6.next_header == c.ip.proto_hopopts and ip6.ip6_opt.next_header == c.ip.proto_udp then
		return ntoh(ip6.ip6_opt.udp.dst_port)
	end
	return 1
end
