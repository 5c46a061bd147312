--! kind TC
-- TC writes call bpf_l3_csum_replace and bpf_l4_csum_replace, which
-- move the packet: the pointers are loaded again after each.
local f = function (skb)
	local tcp = pkt.ip.tcp
	tcp.src_port = hton(8080, 16)
	pkt.ip.tos = 0x10
	skb.mark = 7
	clone_redirect(skb.ifindex, BPF.F_INGRESS)
	return BPF.TC_ACT_OK
end
