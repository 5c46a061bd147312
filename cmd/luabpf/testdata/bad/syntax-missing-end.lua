-- A kernel function without its 'end': the parser stops at the end of the file.
local bpf = require('bpf')
bpf(function (skb)
	return 0 --! error: "syntax error at the end of the file (a missing 'end' or ')'?)"
