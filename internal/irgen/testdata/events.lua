--! map events perf_event_array int32_t -> uint32_t 4
--! map rb ringbuf - -> - 4096
-- Records sent to userspace: perf_submit through a perf event array (on
-- the current CPU's ring) and table.insert through a ring buffer.
local f = function (skb)
	local rec = ffi.new('struct { uint32_t len; uint8_t proto; }')
	rec.len = skb.len
	rec.proto = pkt.ip.proto
	local err = perf_submit(events, rec)
	table.insert(rb, rec)
	local arr = ffi.new('uint64_t [2]', 1, 2)
	perf_submit(events, arr)
	return err
end
