-- A misspelt field.
local f = function (skb)
	return pkt.ip.proot --! error: "pkt.ip has no field or next header 'proot' (did you mean 'proto'?)"
end
