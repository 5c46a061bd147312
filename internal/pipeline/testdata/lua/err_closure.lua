local f = function (skb)
	local g = function () return 1 end --! error: "kernel functions cannot define functions; define it in the script, outside the kernel function, and call it (the call is inlined)"
	return 0
end
