-- XDP's context is struct xdp_md, not __sk_buff.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.xdp(function (ctx)
	return ctx.len --! error: "struct xdp_md has no field 'len'"
end)
