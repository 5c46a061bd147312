local f = function (skb)
	local d = pkt.ip.tcp.data
	if d(0, 4) == 'GET' then return 1 end --! error: "comparing a 4-byte value with the 3-byte string \"GET\""
	return 0
end
