-- Ring buffers are a power of two of pages.
local bpf = require('bpf')
local ffi = require('ffi')
local r = bpf.map('ringbuf', 1000) --! error: "a ringbuf's size must be a power of two and a multiple of the page size"
