-- difftest reproducer map_read_before_inlined_store: seed 60010686 minimised (optimised: mismatch;unoptimised: mismatch)
-- frame: 020000000002020000000001080045f0002d29f6400032119b9637cc91da39077f96af14914d001941f7ae8c5027b0df8cef40a6cca2508d37c529
-- want: ret=0x0 a=[0x0 0x0 0xffffffffffffffff 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local function h1()
end
local function h2(p3, p4)
  a[bit.band((pkt.ip.dst + pkt.ip.proto), 7)] = bit.bnot(0)
  return 0ULL
end
local function h3()
  if h2(0, 0ULL) then
  end
end
local difftest = function(skb)
  local x8 = (a[2] - h3())
  out[0] = x8
end
