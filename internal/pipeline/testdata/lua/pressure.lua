--! map counts hash uint32_t -> uint64_t 64
-- More values alive at once than there are registers, across joins with
-- several phis and a helper call: the allocator spills (the same way on
-- every run, see TestCompileIsDeterministic).
local f = function (skb)
	local d = pkt.ip.udp.data
	local a, b, c, e = d[0], d[1], d[2], d[3]
	local g, h, i, j = d[4], d[5], d[6], d[7]
	local k, l, m, n = d[8], d[9], d[10], d[11]
	if a > b then
		a, c, e = b + c, a - 1, bit.bxor(e, g)
	else
		b, g, h = a * 3, h + i, j - k
	end
	xadd(counts[bit.band(a + b, 63)], 1)
	if c == e then
		i, j, k = i + l, j + m, k + n
	else
		l, m, n = l - 1, m + a, n + b
	end
	return a + b + c + e + g + h + i + j + k + l + m + n
end
