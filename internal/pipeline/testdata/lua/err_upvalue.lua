local n = 0
local f = function (skb)
	n = 1 --! error: "cannot assign to 'n' here"
end
