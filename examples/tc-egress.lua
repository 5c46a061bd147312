-- Count UDP leaving veth0 and drop what goes to port 9, with a TC
-- program on the interface's egress (a tcx link: Linux 6.6 or later).
--
--   sudo luabpf run examples/tc-egress.lua [seconds between counts]
local bpf = require('bpf')
local S = require('syscall')

local counts = bpf.map('array', 2)  -- 0: dropped, 1: passed
bpf.tc('veth0', 'egress', function (skb)
	if pkt.ip.proto == c.ip.proto_udp then
		if ntoh(pkt.ip.udp.dst_port) == 9 then
			xadd(counts[0], 1)
			return BPF.TC_ACT_SHOT
		end
		xadd(counts[1], 1)
	end
	return BPF.TC_ACT_OK
end)

local every = tonumber(arg[1]) or 1
while true do
	S.sleep(every)
	print(string.format('dropped %d, passed %d', tonumber(counts[0]), tonumber(counts[1])))
end
