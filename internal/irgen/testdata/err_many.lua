--! map m hash uint32_t -> uint32_t 16
-- Every mistake of a function is reported, each once, in source order:
-- lowering goes on with the next statement after an error.
local f = function (skb)
	local ip = pkt.ip
	local a = ip.proot --! error: "pkt.ip has no field or next header 'proot' (did you mean 'proto'?)"
	skb.len = 1 --! error: "a socket filter cannot write skb.len"
	local ok = ip.ttl
	if ok > 1 then
		xadd(skb.mark, 1) --! error: "xadd needs a map value to add to"
		m[ok] = 1
	end
	for i = 1, 4 do
		local b = pkt.ip.udp.data(0, 9) --! error: "a slice reads 1 to 8 bytes"
	end
	if skb.foo == 1 then --! error: "struct __sk_buff has no field 'foo'"
		return 1
	end
	return unknown --! error: "unknown name 'unknown'"
end
