-- syscall.sleep takes seconds.
local S = require('syscall')
S.sleep('x') --! error: "bad argument #1 to sleep (number expected, got string)"
