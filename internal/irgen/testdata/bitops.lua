--! const K 12
-- The bit library on run-time and constant operands.
local f = function (skb)
	local x = skb.len
	local a = bit.band(x, 0xff, 0x0f)
	local b = bit.bor(x, 1)
	local c = bit.bxor(x, a)
	local d = bit.lshift(x, 2) + bit.rshift(x, 3) + bit.arshift(x, 1)
	local e = bit.bnot(x) + bit.bnot(K)
	local k = bit.band(K, 4) + bit.bor(K, 1) + bit.bxor(K, 5) + bit.lshift(1, 4) + bit.rshift(-1, 60) + bit.arshift(-16, 2)
	return a + b + c + d + e + k + bit.bswap(x) + bit.bswap(0x01020304)
end
