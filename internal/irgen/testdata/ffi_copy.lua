--! map m hash uint32_t -> char [8] 16
-- ffi.copy from strings, stack and map memory and the packet; ffi.fill.
local f = function (skb)
	local a = ffi.new('char [8]')
	local b = ffi.new('char [8]')
	ffi.copy(a, 'hi')
	ffi.copy(b, a)
	ffi.copy(b, 'xyzw', 3)
	ffi.copy(a, eth.src, 6)
	ffi.copy(a, eth.src, 0)
	local v = m[1]
	ffi.copy(b, v)
	ffi.copy(v, b, 4)
	ffi.fill(a, 8)
	ffi.fill(b, 3, 0x41)
	return a[0] + b[1]
end
