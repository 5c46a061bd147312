-- difftest reproducer xadd_value_restores_entry: seed 40004809 minimised (optimised: mismatch;unoptimised: mismatch)
-- frame: 020000000002020000000001080045760028c1bd000061112ecef05cbd883c887e569de245750014c2d6c3e07a996d8810c6084e2bbd
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={0:52782} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
-- skip: open question, not an inliner bug: xadd(h[0], v) looks h[0] up before v, and v's call stores h[0] again; a hash map update replaces the element, so the add goes to the old one and is lost. Lua's order (m[k] before v) says the entry was there; the README does not say what an xadd whose value rewrites its entry does. The generator no longer puts calls in xadd values.
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
