-- Builtins that call helpers without packet access.
local f = function (skb)
	local t = time()
	local c = cpu()
	local r = rand()
	local p = pid_tgid()
	local u = uid_gid()
	local name = ffi.new('char [16]')
	comm(name)
	print("t=%d c=%d", t, c)
	print("name=%s", name)
	print("constant")
	return t + c + r + p + u
end
