-- difftest reproducer verifier_stack_growth_precision: seed 4319 minimised (unoptimised: load)
-- frame: 020000000002020000000001080045210043f78b40006506679ebcfb82b90436727f6e8fd9f39b99c0c2b93c500760fa913d3111368f020405b413f2139b987ea95b6cdfda131d3191449e04ede553f0fb
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local p = ffi.new('struct p')
  for i6 = 0, 1 do
    xadd(h[0], 0)
    if pkt.ip.tcp.data(2, 6) then
      a[0] = a[0]
    elseif ffi.cast('int32_t', h[0]) then
      h[0] = h[0]
    end
  end
  if ((((not s.a) and pkt.ip.tcp.offset) or p.e) ~= nil) then
  end
end
