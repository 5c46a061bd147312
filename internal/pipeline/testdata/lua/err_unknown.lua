local f = function (skb)
	return xaad(1) --! error: "unknown name 'xaad' (did you mean 'xadd'?)"
end
