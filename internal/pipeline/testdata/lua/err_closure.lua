local f = function (skb)
	local g = function () return 1 end --! error: "closures are not supported in kernel functions; move the function to top level"
	return 0
end
