-- Drop UDP to port 9 (discard) arriving on veth0, and count the drops.
--
--   sudo luabpf run examples/xdp-drop.lua [seconds between counts]
--
-- The function passed to bpf.xdp runs in the kernel for every frame the
-- interface receives, before the kernel builds a socket buffer for it;
-- what it returns decides the frame's fate. It is detached when the
-- script ends (Ctrl-C).
local bpf = require('bpf')
local S = require('syscall')

local drops = bpf.map('percpu_array', 1)
bpf.xdp('veth0', function (ctx)
	if pkt.ip.proto == c.ip.proto_udp and ntoh(pkt.ip.udp.dst_port) == 9 then
		xadd(drops[0], 1)
		return BPF.XDP_DROP
	end
	return BPF.XDP_PASS
end)

local every = tonumber(arg[1]) or 1
while true do
	S.sleep(every)
	local n = 0
	for _, v in ipairs(drops[0]) do n = n + tonumber(v) end  -- one value per CPU
	print('dropped ' .. n)
end
