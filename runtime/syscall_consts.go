package runtime

import (
	"strings"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/proto"
	lua "github.com/yuin/gopher-lua"
)

// syscallConsts builds syscall.c: the BPF_MAP and BPF_PROG tables of
// ljsyscall's constants, which scripts written for the original read
// (S.c.BPF_MAP.HASH, S.c.BPF_MAP['array']: names in any case, as
// ljsyscall's tables look them up).
func (r *Runtime) syscallConsts() *lua.LTable {
	L := r.L
	c := L.NewTable()
	maps := L.NewTable()
	for _, name := range proto.MapTypeNames() {
		t, _ := proto.MapTypeOf(name)
		maps.RawSetString(strings.ToUpper(name), lua.LNumber(t.Type))
	}
	progs := L.NewTable()
	for _, p := range []struct {
		name string
		t    ebpf.ProgramType
	}{
		{"SOCKET_FILTER", ebpf.SocketFilter}, {"KPROBE", ebpf.Kprobe}, {"SCHED_CLS", ebpf.SchedCLS},
		{"SCHED_ACT", ebpf.SchedACT}, {"TRACEPOINT", ebpf.TracePoint}, {"XDP", ebpf.XDP},
		{"PERF_EVENT", ebpf.PerfEvent}, {"CGROUP_SKB", ebpf.CGroupSKB}, {"RAW_TRACEPOINT", ebpf.RawTracepoint},
	} {
		progs.RawSetString(p.name, lua.LNumber(p.t))
	}
	c.RawSetString("BPF_MAP", maps)
	c.RawSetString("BPF_PROG", progs)
	for _, t := range []*lua.LTable{maps, progs} {
		mt := L.NewTable()
		mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			if s, ok := L.Get(2).(lua.LString); ok {
				L.Push(L.CheckTable(1).RawGetString(strings.ToUpper(string(s))))
				return 1
			}
			L.Push(lua.LNil)
			return 1
		}))
		L.SetMetatable(t, mt)
	}
	return c
}
