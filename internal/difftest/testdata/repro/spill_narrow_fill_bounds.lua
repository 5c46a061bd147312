-- difftest reproducer spill_narrow_fill_bounds: seed 4887 minimised (optimised: load)
-- frame: 020000000002020000000001080046b500363dec40001211014b027d95cc2615d56894040000522ed6aa001e12af02a4aa3f19514b5bc6f5c042e1663697d1a33f306ec8
-- want: ret=0x68d51526 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local x1 = pkt.ip.udp.data[2]
  local x2 = pkt.ip.dst
  a[0] = 0
  s.h = bit.bor(pkt.ip.ver, pkt.ip.hlen)
  s.w[0] = pkt.ip.udp.crc
  x1 = s.w[pkt.ip.ver]
  out[0] = x1
  return pkt.ip.dst
end
