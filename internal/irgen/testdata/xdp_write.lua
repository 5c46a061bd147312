--! kind XDP
-- Writes keep checksums right by hand in XDP: the IPv4 header checksum
-- for ttl, the UDP checksum (skipped when 0) for a port, both for an
-- address (the UDP pseudo-header); a MAC swap touches none.
local f = function (ctx)
	local ip = pkt.ip
	ip.ttl = ip.ttl - 1
	ip.udp.dst_port = hton(53, 16)
	ip.dst = 0x0100000a
	pkt.dst, pkt.src = pkt.src, pkt.dst
	return BPF.XDP_TX
end
