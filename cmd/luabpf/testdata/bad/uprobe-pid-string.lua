-- A uprobe's pid is a number.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.uprobe('c:malloc', function (ptregs) end, false, 'x') --! error: "bad argument #4 to uprobe (number expected, got string)"
