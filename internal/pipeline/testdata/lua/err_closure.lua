local f = function (skb)
	local g = function () return 1 end --! error: "kernel functions cannot define functions (luabpf makes no BPF-to-BPF calls yet); write the code inline"
	return 0
end
