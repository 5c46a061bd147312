-- An XDP mode that does not exist.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.xdp('lo', function (ctx) return BPF.XDP_PASS end, 'turbo') --! error: "expected an XDP mode, 'generic' or 'native' (or nil to let the kernel choose), not 'turbo'"
