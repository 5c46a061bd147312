--! cdef struct hdr { uint8_t a:4; uint8_t b:4; int8_t c:3; uint16_t word; uint32_t arr[4]; char tag[6]; };
-- Stack objects: members, bitfields, run-time indices, string stores
-- and comparisons, whole-object copies.
local f = function (skb)
	local h = ffi.new('struct hdr')
	local i = skb.len % 4
	h.a = 3
	h.b = skb.len
	h.c = -2
	h.word = h.a + h.b + h.c
	h.arr[1] = 7
	h.arr[i] = skb.len
	local x = h.arr[i] + h.arr[3]
	h.tag = 'abc'
	if h.tag == 'abc' then x = x + 1 end
	if h.tag ~= 'abcdefg' then x = x + 2 end
	local g = ffi.new('struct hdr')
	g.arr = h.arr
	local buf = ffi.new('uint8_t [8]')
	buf[i] = 1
	local w = ffi.new('uint32_t', 9)
	if w == 9 then x = x + w end
	if buf then x = x + 1 end
	local y = buf[skb.mark]
	return x + g.arr[1] + y
end
