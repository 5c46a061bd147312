--! needs: kernel
-- An interface that does not exist.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.socket('nosuch0', function (skb) return 0 end) --! error: "bpf.socket: 'nosuch0' is not a network interface (interfaces here: lo"
