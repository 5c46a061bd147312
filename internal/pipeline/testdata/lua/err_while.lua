local f = function (skb)
	while true do --! error: "while loops are not supported in kernel functions"
	end
end
