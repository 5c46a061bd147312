-- if/elseif/else, and/or, not, and a value merged from several paths.
local f = function (skb)
	local p = pkt.ip.proto
	local r
	if p == 6 then
		r = 1
	elseif p == 17 and skb.len > 100 then
		r = 2
	elseif not (p == 1 or p == 58) then
		r = 3
	else
		r = 4
	end
	return r
end
