--! needs: kernel
-- A binary that does not exist.
local bpf = require('bpf')
local ffi = require('ffi')
bpf.uprobe('/no/such/binary:main', function (ptregs) end) --! error: "uprobe target '/no/such/binary:main': no file '/no/such/binary'"
