--! cdef struct key { uint32_t src; uint16_t port; uint8_t proto; uint8_t pad; };
--! cdef struct stat { uint64_t packets; uint32_t bytes; uint8_t flag:1; uint8_t kind:7; char name[4]; };
--! map flows hash struct key -> struct stat 1024
--! map names hash char [4] -> uint32_t 64
-- Struct keys and values: members read, written and added to, whole
-- values stored from the stack, string keys.
local f = function (skb)
	local key = ffi.new('struct key')
	key.src = pkt.ip.src
	key.port = pkt.ip.udp.dst_port
	key.proto = 17
	local s = flows[key]
	if s then
		xadd(s.packets, 1)
		xadd(s.bytes, skb.len)
		s.flag = 1
		s.kind = s.kind + 1
		local b = s.bytes
		s.bytes = 0
		if s.name == 'abc' then return b end
	else
		local init = ffi.new('struct stat', 1, skb.len)
		flows[key] = init
	end
	names['dns'] = 1
	local m = names['dns']
	flows[key].packets = 5
	local snap = flows[key].bytes
	return snap + flows[key].flag
end
