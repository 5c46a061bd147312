-- difftest reproducer spill_reload_index_keys: seed 2001237 minimised (optimised: load)
-- frame: 0200000000020200000000010800455e002757580000e311cce104124e6d22313e7eea7180a100137e9c4c2d7b554dc8fb459b58b7
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local keys = ffi.new('struct k [3]')
  local vals = ffi.new('struct v [2]')
  s.a = pkt.ip.ver
  local x3 = s.e
  for i4 = 6, 9 do
    sm[keys[0]] = vals[pkt.ip.tlen]
    sm[keys[pkt.ip.ver]] = nil
  end
  return x3
end
