--! kind XDP
--! map drops percpu_array uint32_t -> uint32_t 1
-- The README's XDP example: drop UDP to port 9 and count the drops.
local f = function (ctx)
	if pkt.ip.proto == c.ip.proto_udp and ntoh(pkt.ip.udp.dst_port) == 9 then
		xadd(drops[0], 1)
		return BPF.XDP_DROP
	end
	return BPF.XDP_PASS
end
