--! const N 10
--! float F 2.5
--! string S abc
-- Arithmetic: compile-time folding (integers and floats), signed and
-- unsigned division and modulo, by zero too, unary minus, '..', '#'.
local f = function (skb)
	local a = skb.len
	local k = N * 3 + N / 3 - N % 3 + N % 4 - (-N) % 3
	local fl = F * 2 + F - 0.5 + F / 0.5
	local s = S .. 1 .. "x"
	local u = a / 3 + a % 3 + a % 8
	local sgn = (a - 10) / 3 + (a - 10) % 3 + (a - 10) % 16
	local neg = -a
	local mul = a * a - a
	local hexn = 0x10 + 1e2
	local p = 2 ^ 3
	local z = N / 0 + N % 0 + a / 0 + a % 0 -- the BPF machine's: 0 and x
	return k + fl + #s + #S + u + sgn + neg + mul + hexn + p + z
end
