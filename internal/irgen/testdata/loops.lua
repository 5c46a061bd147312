-- Unrolled numeric for loops: steps, empty loops, break, nesting.
local f = function (skb)
	local sum = 0
	for i = 1, 4 do
		sum = sum + i
	end
	for i = 10, 1, -3 do
		sum = sum + i * skb.len
	end
	for i = 5, 1 do
		sum = sum + 100
	end
	for i = 0, 7 do
		if pkt.ip.udp.data[i] == 0 then break end
		sum = sum + 1
	end
	for i = 1, 2 do
		for j = 1, 2 do
			sum = sum + i * j
		end
	end
	for i = 1, 3 do
		do return sum end
	end
	return 0
end
