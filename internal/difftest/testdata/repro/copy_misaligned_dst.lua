-- difftest reproducer copy_misaligned_dst: seed 124 minimised (optimised: load;unoptimised: load)
-- frame: 0200000000020200000000010800471b003966670000c911481c71cbad66e39da83f94040000010101012a024f09001d17a6f97b5373aaf590562664fab02c7304c1583a213470
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local str = ffi.new('char [8]')
  local strs = ffi.new('char [3][5]')
  ffi.copy(str, strs[1])
end
