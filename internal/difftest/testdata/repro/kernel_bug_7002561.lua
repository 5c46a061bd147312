-- difftest reproducer kernel_bug_7002561: seed 7002561 minimised (optimised: load)
-- frame: 0200000000020200000000010800465c00467718000075061943efe458da738463b39404000048cf3c49c2de0345cf40b7b3602d5198593ef1ae020405b4a26d69f400d937beae9f254fa07490222d43fcc695af
-- want: ret=0x0 a=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0] h={0:0} out=[0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0]
local difftest = function(skb)
  local s = ffi.new('struct s')
  local str = ffi.new('char [8]')
  local keys = ffi.new('struct k [3]')
  local x4 = pkt.ip.tcp.data(21, 22)
  s.a = 0ULL
  for i5 = 0x8000000000000000, (-9223372036854775805) do
    if (sm[keys[pkt.ip.dst]].tag == '\160t') then
    elseif ((not (sm[keys[0]].tag == 'a')) and s.d) then
      xadd(h[0], 0)
      a[0] = hton(pkt.ip.tcp.rcv_wnd)
      str[0ULL] = (sm[keys[pkt.ip.identification]] ~= nil)
    else
      h[0] = (not pkt.ip.dst)
    end
  end
end
