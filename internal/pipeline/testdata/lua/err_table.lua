local f = function (skb)
	local t = {1, 2} --! error: "table constructors are not supported in kernel functions"
	return 0
end
