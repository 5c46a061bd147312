-- difftest reproducer kernel_precision_stack_slot: seed 2000627 minimised (unoptimised: load)
-- frame: 020000000002020000000001080046840029ecef4000e411d3691d2e4b52139fc4c294040000df0287440011cc1063f78b61357cafbcb8
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local p = ffi.new('struct p')
  local str = ffi.new('char [8]')
  local strs = ffi.new('char [3][5]')
  local keys = ffi.new('struct k [3]')
  local x2 = str[pkt.ip.udp.data(1, 5)]
  local x7 = bit.bor(0, 0ULL)
  if (((strs[pkt.ip.udp.data(4, 5)] == '') ~= a[3]) or (pkt.ip.ver - bit.bxor(a[0], pkt.ip.udp.data[0]))) then
    p.b = a[0]
  end
  local x11 = ffi.cast('uint64_t', keys[pkt.ip.udp.data(4, 5)].c)
  out[0] = x2
  out[0] = x7
  out[0] = x11
  return s.c
end
