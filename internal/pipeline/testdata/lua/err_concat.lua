local f = function (skb)
	local s = "a" .. pkt.ip.proto --! error: "strings cannot be built at run time in kernel functions"
	return 0
end
