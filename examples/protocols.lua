-- Count packets and bytes per IP protocol crossing an interface.
--
--   sudo luabpf run examples/protocols.lua [interface] [seconds]
--
-- The function passed to bpf.socket runs in the kernel for every frame;
-- the rest of the script runs in userspace and prints the two maps.
local ffi = require('ffi')
local bpf = require('bpf')
local S = require('syscall')

local iface = arg[1] or 'lo'
local seconds = tonumber(arg[2]) or 5

local packets = bpf.map('array', 256)
local bytes = bpf.map('array', 256, ffi.typeof('uint32_t'), ffi.typeof('uint64_t'))

bpf.socket(iface, function (skb)
	if ntoh(pkt.type) ~= c.eth.ip then return 0 end  -- IPv4 only
	local proto = pkt.ip.proto
	xadd(packets[proto], 1)
	xadd(bytes[proto], skb.len)
end)

local names = {[1] = 'ICMP', [6] = 'TCP', [17] = 'UDP', [47] = 'GRE', [132] = 'SCTP'}
for second = 1, seconds do
	S.sleep(1)
	local line = {}
	for proto, n in packets.pairs, packets, nil do
		if n > 0 then
			line[#line + 1] = string.format('%s %d pkts %d bytes',
				names[proto] or ('proto ' .. proto), n, tonumber(bytes[proto]))
		end
	end
	print(string.format('[%ds] %s', second, #line > 0 and table.concat(line, ', ') or 'no IPv4 traffic yet'))
end
