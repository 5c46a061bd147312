-- Constant folding through locals, and 64-bit arithmetic on packet bytes.
--! const K 3
local K = 3
local f = function (skb)
	local a = K * 4 + 1          -- folds to 13
	local b = pkt.ip.ttl
	local x = (b + a) * 2 - b / 4 + b % 8
	x = bit.band(bit.bor(x, 0x100), bit.bnot(1))
	return bit.rshift(bit.lshift(x, 3), 1) + -a
end
