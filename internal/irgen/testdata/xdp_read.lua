--! kind XDP
--! map drops percpu_array uint32_t -> uint32_t 1
-- Direct packet reads: each read checks its header, and the headers
-- before it on the chain, against data_end; a short frame reads 0.
local f = function (ctx)
	if pkt.ip.proto == c.ip.proto_udp and ntoh(pkt.ip.udp.dst_port) == 9 then
		xadd(drops[0], 1)
		return BPF.XDP_DROP
	end
	local d = pkt.ip6.ip6_opt.tcp.data
	if d[0] == 0x16 and ctx.ingress_ifindex ~= 0 then
		return BPF.XDP_TX
	end
end
