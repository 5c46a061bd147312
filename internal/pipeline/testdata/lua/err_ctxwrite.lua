local f = function (skb)
	skb.len = 5 --! error: "a socket filter cannot write skb.len"
end
