-- A uprobe target is 'file:function'.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.uprobe('x', function (ptregs) end) --! error: "uprobe target 'x' has no ':' between file and function"
