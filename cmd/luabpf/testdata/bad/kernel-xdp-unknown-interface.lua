--! needs: kernel
-- An interface that does not exist, for XDP.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.xdp('nosuch0', function (ctx) return BPF.XDP_PASS end) --! error: "bpf.xdp: 'nosuch0' is not a network interface (interfaces here: lo"
