-- Context fields: reads, cb reads and writes, data and data_end as
-- packet positions.
local f = function (skb)
	local a = skb.len + skb.mark + skb.protocol + skb.ifindex + skb.hash + skb.tstamp_type
	skb.cb[0] = a
	skb.cb[4] = skb.cb[0] + 1
	local cb = skb.cb
	local b = cb[2]
	local data, data_end = skb.data, skb.data_end
	if data + 14 > data_end then return 0 end
	return b + data[12] + (data_end - data)
end
