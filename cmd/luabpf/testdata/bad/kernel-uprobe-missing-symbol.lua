--! needs: kernel
-- A function libc does not have.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.uprobe('c:no_such_function', function (ptregs) end) --! error: "no function 'no_such_function' in '"
