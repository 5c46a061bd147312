-- difftest reproducer spill_reload_index_strs: seed 1001815 minimised (optimised: load)
-- frame: 02000000000202000000000108004527002ed54d40006c11d8e430a5eb7b4427001e9524c50c001a663143bf129a7735f2e66dee8729ce516bbeef53
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local strs = ffi.new('char [3][5]')
  local keys = ffi.new('struct k [3]')
  for i5 = 6, 7 do
    local x6 = (strs[pkt.ip.ver][0] and 0)
    local x8 = sm[keys[(pkt.ip.udp.data[13] + pkt.ip.udp.data(11, 12))]].n
    s.d = pkt.ip.udp.dst_port
  end
end
