-- math.log2, log10 and log on run-time values and constants.
local f = function (skb)
	local x = skb.len
	return math.log2(x) + math.log10(x) + math.log(x) + math.log2(1024) + math.log10(1000) + math.log(20)
end
