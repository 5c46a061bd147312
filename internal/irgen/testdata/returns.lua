-- Returns: nothing, nil, booleans, comparisons, early returns and code
-- after them.
local f = function (skb)
	if skb.len == 1 then return end
	if skb.len == 2 then return nil end
	if skb.len == 3 then return true end
	if skb.len == 4 then return false end
	if skb.len == 5 then return skb.len > 10 end
	if skb.len == 6 then
		return 6
	else
		return 7
	end
	return 8
end
