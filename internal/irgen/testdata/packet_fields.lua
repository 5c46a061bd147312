-- Header fields of every kind: whole fields (swapped to host order),
-- 1-byte fields, bitfields in 1-, 2- and 4-byte units, 8-byte fields and
-- byte arrays.
local f = function (skb)
	local ip = pkt.ip
	local a = ip.ver + ip.hlen + ip.tos + ip.tlen + ip.df + ip.foffset + ip.ttl + ip.src
	local tcp = ip.tcp
	local b = tcp.flag_syn + tcp.flag_fin + tcp.offset + tcp.seq_num
	local ip6 = pkt.ip6
	local c = ip6.ver + ip6.flow_label + ip6.priority + ip6.src_hi + ip6.hop_limit
	local tag = pkt.dot1q
	local d = tag.pri + tag.cfi + tag.vlanid + tag.type
	local vx = ip.udp.vxlan
	local e = vx.key + vx.iflag + vx.rsv4
	local mac = eth.dst
	local g = mac[0] + mac[5] + pkt.arp.spa + pkt.arp.oper + pkt.ip.icmp.type
	return a + b + c + d + e + g
end
