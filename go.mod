module github.com/luabpf/luabpf

go 1.26.8

require (
	github.com/cilium/ebpf v0.22.0
	github.com/yuin/gopher-lua v1.1.2
	golang.org/x/sys v0.50.0
)
