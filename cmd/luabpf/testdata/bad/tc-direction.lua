-- TC attaches to ingress or egress.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.tc('lo', 'sideways', function (skb) return 0 end) --! error: "bad argument #2 to tc (expected 'ingress' or 'egress', not 'sideways')"
