-- Byte pointers: constant and run-time indices, slices of 1 to 8 bytes,
-- slice and field comparisons with strings, position arithmetic.
local f = function (skb)
	local data = pkt.ip.udp.data
	local n = data[0]
	local x = data[n]
	local s1 = data(0, 1)
	local s3 = data(1, 4)
	local s5 = data(0, 5)
	local s8 = data(0, 8)
	if data(0, 4) == 'GET ' then return 1 end
	if data(0, 2) ~= 'ab' then return 2 end
	if data[0] == 'G' then return 3 end
	if eth.src == 'abcdef' then return 4 end
	if data == 'x' then return 5 end
	local p = data + n
	local q = p - 2
	local r = 3 + data
	local dist = q - data
	if p + 7 > skb.len then return 6 end
	if data < q then return 7 end
	local back = data - n
	local z = skb.data + skb.len
	local w = z - 1
	return x + s1 + s3 + s5 + s8 + dist + r[0] + back[0] + w[0]
end
