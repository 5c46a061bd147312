--! needs: kernel
-- Arrays have 4-byte keys.
local bpf = require('bpf')
local ffi = require('ffi')
local m = assert(bpf.map('array', 4, ffi.typeof('uint64_t'))) --! error: "cannot create the array map: array maps need 4-byte keys (uint32_t), not 8-byte ones"
