-- LuaJIT 64-bit literals: LL is a signed constant, ULL one of type
-- uint64_t, which makes comparisons with it unsigned.
local f = function (skb)
	local a = 5LL + 0xffLL + 18446744073709551615ULL
	local b = skb.len + 1ULL
	local big = 0xffffffffffffffffULL
	if skb.len - 10 < 3ULL then a = a + 1 end
	if skb.len - 10 < 3LL then a = a + 2 end
	return a + b + big
end
