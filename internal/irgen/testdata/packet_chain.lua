-- Variable-length headers: IPv4's IHL, TCP's data offset and IPv6
-- extension headers move the following header by a length read from the
-- packet; fixed ones add a constant.
local f = function (skb)
	local a = pkt.ip.tcp.data[0]
	local b = pkt.ip.udp.dst_port
	local c = pkt.ip6.ip6_opt.ip6_opt.udp.src_port
	local d = pkt.ip6.tcp.data[1]
	local e = pkt.dot1q.ip.udp.vxlan.eth.ip.proto
	local g = pkt.ip6.icmp6.data[0] + pkt.ip.icmp.data[3] + pkt.arp.plen
	return a + b + c + d + e + g
end
