-- Socket filters only read packets.
local bpf = require('bpf')
local ffi = require('ffi')
bpf(function (skb)
	pkt.ip.ttl = 1 --! error: "a socket filter cannot write to the packet (pkt.ip.ttl)"
	return 0
end)
