-- load_bytes copies packet bytes into a stack buffer.
local f = function (skb)
	local buf = ffi.new('uint8_t [6]')
	local err = load_bytes(6, buf)
	if err ~= 0 then return 0 end
	return buf[0] + buf[5]
end
