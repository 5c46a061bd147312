--! kind XDP
--! map ports devmap uint32_t -> uint32_t 8
-- The helpers only XDP may call; moving the packet's head loads the
-- packet pointers again.
local f = function (ctx)
	if pkt.ip.proto == c.ip.proto_icmp then
		return redirect(ctx.ingress_ifindex)
	end
	if adjust_head(-4) ~= 0 or adjust_tail(-2) ~= 0 then
		return BPF.XDP_ABORTED
	end
	if pkt.type == 0x0081 then
		return redirect_map(ports, pkt.dot1q.vlanid, BPF.XDP_PASS)
	end
end
