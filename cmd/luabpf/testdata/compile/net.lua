-- XDP and TC programs in one object: luabpf compile writes each in the
-- section its attach point says, without the interfaces existing.
local bpf = require('bpf')

local drops = bpf.map('percpu_array', 1)

local xdp_drop = function (ctx)
	if pkt.ip.proto == c.ip.proto_udp and ntoh(pkt.ip.udp.dst_port) == 9 then
		xadd(drops[0], 1)
		return BPF.XDP_DROP
	end
	return BPF.XDP_PASS
end
bpf.xdp('veth0', xdp_drop, 'native')

local tc_out = function (skb)
	if pkt.ip.proto == c.ip.proto_udp then
		pkt.ip.ttl = 1
	end
	return BPF.TC_ACT_OK
end
bpf.tc('veth0', 'egress', tc_out)

local tc_in = function (skb)
	return BPF.TC_ACT_SHOT
end
bpf.tc('veth1', 'ingress', tc_in)

local xdp_tx = bpf.xdp(function (ctx)
	pkt.dst, pkt.src = pkt.src, pkt.dst
	return BPF.XDP_TX
end)
