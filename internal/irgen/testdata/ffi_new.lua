--! cdef struct flags { uint8_t a:3; uint8_t b:5; int16_t s:4; uint32_t wide; };
-- ffi.new with initial values: scalars, arrays, strings, structs and
-- bitfields; ffi.typeof, ffi.sizeof, ffi.cast.
local f = function (skb)
	local n = ffi.new('uint32_t', 5)
	local p = ffi.new('uint64_t', skb.len)
	local arr = ffi.new('uint16_t [4]', 1, 2, skb.len)
	local s = ffi.new('char [8]', 'abc')
	local v = ffi.new('char [?]', 12)
	local t = ffi.typeof('struct flags')
	local fl = ffi.new(t, 5, skb.len, -3, 7)
	local fl2 = ffi.new('struct flags')
	local same = ffi.new(ffi.typeof(fl))
	local size = ffi.sizeof(t) + ffi.sizeof('uint64_t') + ffi.sizeof(arr) + #arr + #v
	local c1 = ffi.cast('uint8_t', skb.len)
	local c2 = ffi.cast('int16_t', skb.len)
	local c3 = ffi.cast('uint64_t', skb.len)
	local c4 = ffi.cast('int8_t', 0x1ff) + ffi.cast('uint16_t', -1) + ffi.cast('int64_t', 3)
	return n + p + arr[2] + fl.a + fl.b + fl.s + fl.wide + fl2.a + same.b + size + c1 + c2 + c3 + c4
end
