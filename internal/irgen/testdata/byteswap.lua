-- ntoh and hton: widths from the argument, the field or the value.
local f = function (skb)
	local a = ntoh(pkt.ip.tlen)          -- a 2-byte field: 16 bits
	local b = hton(pkt.ip.src)           -- 4 bytes
	local c = ntoh(skb.len, 16)
	local d = ntoh(0x0102)               -- constant, 32 bits
	local e = ntoh(0x1122334455, 64)
	local g = hton(0x12345678901)        -- constant wider than 32 bits
	local h = ntoh(pkt.ip.tos, 8)        -- 8 bits: unchanged
	local i = ntoh(tonumber(skb.len) + 1) -- a computed number: its type's width
	local j = ntoh(pkt.ip6.src_hi)       -- 8 bytes
	return a + b + c + d + e + g + h + i + j + tonumber(5)
end
