package irgen

import (
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// builtinNames are the free names kernel functions see without an
// upvalue or global of that name, as the original's kernel environment
// had them.
var builtinNames = map[string]Value{
	"xadd":        Builtin("xadd"),
	"ntoh":        Builtin("ntoh"),
	"hton":        Builtin("hton"),
	"time":        Builtin("time"),
	"cpu":         Builtin("cpu"),
	"rand":        Builtin("rand"),
	"pid_tgid":    Builtin("pid_tgid"),
	"uid_gid":     Builtin("uid_gid"),
	"comm":        Builtin("comm"),
	"print":       Builtin("print"),
	"load_bytes":  Builtin("load_bytes"),
	"perf_submit": Builtin("perf_submit"),
	"stack_id":    Builtin("stack_id"),
	"tonumber":    Builtin("tonumber"),
	"ffi": MapTable{
		"new":    Builtin("ffi.new"),
		"cast":   Builtin("ffi.cast"),
		"copy":   Builtin("ffi.copy"),
		"sizeof": Builtin("ffi.sizeof"),
		"fill":   Builtin("ffi.fill"),
		"typeof": Builtin("ffi.typeof"),
	},
	"bit": MapTable{
		"band":    Builtin("bit.band"),
		"bor":     Builtin("bit.bor"),
		"bxor":    Builtin("bit.bxor"),
		"lshift":  Builtin("bit.lshift"),
		"rshift":  Builtin("bit.rshift"),
		"arshift": Builtin("bit.arshift"),
		"bnot":    Builtin("bit.bnot"),
		"bswap":   Builtin("bit.bswap"),
	},
	"math": MapTable{
		"log2":  Builtin("math.log2"),
		"log10": Builtin("math.log10"),
		"log":   Builtin("math.log"),
	},
	"table": MapTable{
		"insert": Builtin("table.insert"),
	},
	"c":   constTables(),
	"BPF": intTable(proto.BPF),
}

func constTables() MapTable {
	t := MapTable{}
	for group, consts := range proto.Consts {
		t[group] = intTable(consts)
	}
	return t
}

func intTable(m map[string]int64) MapTable {
	t := MapTable{}
	for k, v := range m {
		t[k] = Int(v)
	}
	return t
}

// free resolves a name that is not a local: an upvalue, then a builtin,
// then a global.
func (g *builder) free(name string) operand {
	if v, ok := g.env.Upvalue(name); ok {
		return constOp(v)
	}
	switch name {
	case "pkt", "eth":
		g.needPackets(name)
		return operand{kind: opPkt, hdr: proto.Eth, what: name}
	}
	if v, ok := builtinNames[name]; ok {
		return constOp(v)
	}
	if v, ok := g.env.Global(name); ok {
		return constOp(v)
	}
	var names []string
	for n := range builtinNames {
		names = append(names, n)
	}
	names = append(names, "pkt", "eth")
	hint := ""
	if s := source.Suggest(name, names); s != "" {
		hint = " (did you mean '" + s + "'?)"
	}
	g.errorf("unknown name '%s'%s: kernel code sees its own locals, the script's upvalues and globals, and luabpf's builtins", name, hint)
	return operand{}
}

// needPackets checks that the program kind can read the packet.
func (g *builder) needPackets(what string) {
	if g.opts.Kind != SocketFilter {
		g.errorf("'%s' reads the packet, which a %s cannot do", what, g.opts.Kind)
	}
}
