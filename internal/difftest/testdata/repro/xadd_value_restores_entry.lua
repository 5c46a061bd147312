-- difftest reproducer xadd_value_restores_entry: seed 40004809 minimised (optimised: mismatch;unoptimised: mismatch)
-- xadd finds h[0] before its value, whose calls store h[0] again: the hash map puts a new element in its place, so the add is lost (README, maps)
-- frame: 020000000002020000000001080045760028c1bd000061112ecef05cbd883c887e569de245750014c2d6c3e07a996d8810c6084e2bbd
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={0:0} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local function h1()
  h[0] = 0
end
local function h2(p2, p3, p4)
  h1()
end
local function h3()
  xadd(h[0], bit.bor(h2(0, 0ULL), pkt.ip.hchecksum))
end
local difftest = function(skb)
  h3(h3())
end
