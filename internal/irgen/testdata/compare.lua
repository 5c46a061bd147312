-- Comparisons and and/or as values; signed and unsigned orders; not.
local f = function (skb)
	local a = skb.len
	local b = skb.mark
	local lt = a < b
	local ge = a >= 10
	local neg = a - 100 < b
	local sl = -1 <= a - 5
	local gt = 5 > a
	local eq = a == b
	local ne = a ~= 3
	local both = lt and ge
	local either = a or b
	local notx = not eq
	local k = (a > 1) and 1 or 2
	local c = (2 < 3) and a
	local d = nil or b
	local e = false and a
	local t = not nil
	local nz = not a
	if a then k = k + 1 end
	if not (a > 3 and b < 2 or a == 0) then k = k + 2 end
	if lt then k = k + 4 end
	return k + (lt and 1 or 0) + (both and 1 or 0) + either + c + d + (notx and 1 or 0) + (nz and 1 or 0)
end
