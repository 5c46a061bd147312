-- A kernel function may ignore its context.
local f = function ()
	return 1
end
