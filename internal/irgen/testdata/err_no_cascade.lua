-- A local whose defining statement failed is poison: its uses report
-- nothing more, nor do locals computed from it, nor joins with it.
local f = function (skb, extra) --! error: "a kernel function takes one parameter"
	local ip = pkt.ipp --! error: "pkt has no field or next header 'ipp' (did you mean 'ip'?)"
	local ttl = ip.ttl
	if ip.ver == 4 then -- unknown: both branches are checked
		skb.cb[7] = 1 --! error: "'skb.cb[...]' needs a constant index from 0 to 4"
	else
		return ip + skb.lem --! error: "struct __sk_buff has no field 'lem' (did you mean 'len'?)"
	end
	local both = ttl + extra
	if both > 3 then
		ttl = 1
	end
	local y = 0
	if skb.nope then --! error: "struct __sk_buff has no field 'nope'"
		y = pkt.ip
	end
	local z = y + 1
	local n = 5
	if skb.len > 1 then
		n = ffi.new('uint8_t [2]')
	end
	local u = n + 1 --! error: "'n' is a stack object (uint8_t [2]) on one path and a number on another"
	local w = n + 2
	local x = ttl.foo + z.bar + u.baz + w.quux
	return ip.proto + x + skb.lenn --! error: "struct __sk_buff has no field 'lenn'"
end
