package irgen

import (
	"sort"
	"strings"
	"sync"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// builtin is a function kernel code may call that the compiler
// implements: the one place its facts are written. Lowering code,
// kernel-side name resolution and the runtime's list of userspace
// functions that mean the same builtin all come from this table.
type builtin struct {
	// name is the qualified Lua name kernel code calls it by: "xadd",
	// "ffi.new", "bit.band". A dotted name lives in that namespace table.
	name string
	// user is the userspace function that stands for the builtin when
	// kernel code captures it as an upvalue (local new = ffi.new), as
	// "module.function", or "".
	user     string
	min, max int    // argument counts; max -1 for any number
	arity    string // how to call it, for messages
	// lower compiles a call; nil means the builtin is known but not
	// supported yet.
	lower func(g *builder, args []operand, name string) operand
	// helpers are the kernel helpers its lowering may call: the program
	// kind must allow every one.
	helpers []asm.BuiltinFunc
}

var builtinTable = []*builtin{
	{name: "xadd", min: 2, max: 2, arity: "two arguments: xadd(map[key], n)", lower: (*builder).xadd},
	{name: "ntoh", user: "bpf.ntoh", min: 1, max: 2, arity: "one or two arguments: ntoh(x [, bits])", lower: (*builder).byteSwap},
	{name: "hton", user: "bpf.hton", min: 1, max: 2, arity: "one or two arguments: hton(x [, bits])", lower: (*builder).byteSwap},
	{name: "tonumber", min: 1, max: 1, arity: "one argument", lower: (*builder).tonumber},
	{name: "time", min: 0, max: 0, arity: "no arguments", lower: helperCall(asm.FnKtimeGetNs), helpers: fns(asm.FnKtimeGetNs)},
	{name: "cpu", min: 0, max: 0, arity: "no arguments", lower: helperCall(asm.FnGetSmpProcessorId), helpers: fns(asm.FnGetSmpProcessorId)},
	{name: "rand", min: 0, max: 0, arity: "no arguments", lower: helperCall(asm.FnGetPrandomU32), helpers: fns(asm.FnGetPrandomU32)},
	{name: "pid_tgid", min: 0, max: 0, arity: "no arguments", lower: helperCall(asm.FnGetCurrentPidTgid), helpers: fns(asm.FnGetCurrentPidTgid)},
	{name: "uid_gid", min: 0, max: 0, arity: "no arguments", lower: helperCall(asm.FnGetCurrentUidGid), helpers: fns(asm.FnGetCurrentUidGid)},
	{name: "comm", min: 1, max: 1, arity: "one argument, a char buffer: comm(buf)", lower: (*builder).comm, helpers: fns(asm.FnGetCurrentComm)},
	{name: "print", min: 1, max: 4, arity: "a format string and up to three numbers", lower: (*builder).print, helpers: fns(asm.FnTracePrintk)},
	{name: "load_bytes", min: 2, max: 3, arity: "two or three arguments: load_bytes(offset, buf [, length])", lower: (*builder).loadBytes, helpers: fns(asm.FnSkbLoadBytes)},
	{name: "perf_submit", min: 2, max: 2, arity: "two arguments: perf_submit(map, record)", lower: (*builder).perfSubmit},
	{name: "table.insert", min: 2, max: 2, arity: "two arguments: table.insert(map, record)", lower: (*builder).perfSubmit},
	{name: "probe_read", min: 2, max: 3, arity: "two or three arguments: probe_read(dst, src [, type])", lower: (*builder).probeRead, helpers: fns(asm.FnProbeReadKernel)},
	{name: "stack_id", min: 2, max: 2, arity: "two arguments: stack_id(map, flags)", lower: (*builder).stackID, helpers: fns(asm.FnGetStackid)},
	{name: "redirect", min: 1, max: 2, arity: "one or two arguments: redirect(ifindex [, flags])", lower: helperInts(asm.FnRedirect, 2), helpers: fns(asm.FnRedirect)},
	{name: "redirect_map", min: 2, max: 3, arity: "two or three arguments: redirect_map(map, key [, flags])", lower: (*builder).redirectMap, helpers: fns(asm.FnRedirectMap)},
	{name: "clone_redirect", min: 1, max: 2, arity: "one or two arguments: clone_redirect(ifindex [, flags])", lower: packetMover(asm.FnCloneRedirect, 2), helpers: fns(asm.FnCloneRedirect)},
	{name: "adjust_head", min: 1, max: 1, arity: "one argument: adjust_head(bytes)", lower: packetMover(asm.FnXdpAdjustHead, 1), helpers: fns(asm.FnXdpAdjustHead)},
	{name: "adjust_tail", min: 1, max: 1, arity: "one argument: adjust_tail(bytes)", lower: packetMover(asm.FnXdpAdjustTail, 1), helpers: fns(asm.FnXdpAdjustTail)},
	{name: "ffi.new", user: "ffi.new", min: 1, max: -1, arity: "a type and optional initial values", lower: (*builder).ffiNew},
	{name: "ffi.cast", user: "ffi.cast", min: 2, max: 2, arity: "two arguments: ffi.cast(type, x)", lower: (*builder).ffiCast},
	{name: "ffi.sizeof", user: "ffi.sizeof", min: 1, max: 1, arity: "one argument", lower: (*builder).ffiSizeof},
	{name: "ffi.copy", user: "ffi.copy", min: 2, max: 3, arity: "two or three arguments: ffi.copy(dst, src [, len])", lower: (*builder).ffiCopy},
	{name: "ffi.fill", user: "ffi.fill", min: 2, max: 3, arity: "two or three arguments: ffi.fill(dst, len [, byte])", lower: (*builder).ffiFill},
	{name: "ffi.string", user: "ffi.string", min: 1, max: 2, arity: "a pointer: ffi.copy(buf, ffi.string(p)) copies the C string at p", lower: (*builder).ffiString},
	{name: "ffi.typeof", user: "ffi.typeof", min: 1, max: 1, arity: "one argument", lower: (*builder).ffiTypeof},
	{name: "bit.band", user: "bit.band", min: 2, max: -1, arity: "two or more arguments", lower: aluFold(ir.OpAnd)},
	{name: "bit.bor", user: "bit.bor", min: 2, max: -1, arity: "two or more arguments", lower: aluFold(ir.OpOr)},
	{name: "bit.bxor", user: "bit.bxor", min: 2, max: -1, arity: "two or more arguments", lower: aluFold(ir.OpXor)},
	{name: "bit.lshift", user: "bit.lshift", min: 2, max: 2, arity: "two arguments", lower: aluFold(ir.OpLsh)},
	{name: "bit.rshift", user: "bit.rshift", min: 2, max: 2, arity: "two arguments", lower: aluFold(ir.OpRsh)},
	{name: "bit.arshift", user: "bit.arshift", min: 2, max: 2, arity: "two arguments", lower: aluFold(ir.OpArsh)},
	{name: "bit.bnot", user: "bit.bnot", min: 1, max: 1, arity: "one argument", lower: (*builder).bnot},
	{name: "bit.bswap", user: "bit.bswap", min: 1, max: 1, arity: "one argument", lower: (*builder).byteSwap},
	{name: "math.log2", user: "math.log2", min: 1, max: 1, arity: "one argument", lower: (*builder).log2},
	{name: "math.log10", min: 1, max: 1, arity: "one argument", lower: logScaled(1233)},
	{name: "math.log", min: 1, max: 1, arity: "one argument", lower: logScaled(2839)},
	// LuaJIT's 64-bit literals, as the front end rewrites them (literal.go).
	{name: value.U64Func, min: 1, max: 1, arity: "one argument", lower: (*builder).literal64},
	{name: value.I64Func, min: 1, max: 1, arity: "one argument", lower: (*builder).literal64},
}

func fns(f ...asm.BuiltinFunc) []asm.BuiltinFunc { return f }

var builtinByName = func() map[string]*builtin {
	m := make(map[string]*builtin, len(builtinTable))
	for _, b := range builtinTable {
		m[b.name] = b
	}
	return m
}()

// BuiltinInfo describes a builtin: its name in kernel code, the
// userspace function that stands for it ("" for none), how to call it,
// whether it is lowered yet, and the helpers it calls.
type BuiltinInfo struct {
	Name, User, Arity string
	Supported         bool
	Helpers           []asm.BuiltinFunc
}

// Builtins lists the builtins, in table order, except the reserved ones
// scripts do not call by name (the 64-bit literals').
func Builtins() []BuiltinInfo {
	var out []BuiltinInfo
	for _, b := range builtinTable {
		if b.name == value.U64Func || b.name == value.I64Func {
			continue
		}
		out = append(out, BuiltinInfo{Name: b.name, User: b.user, Arity: b.arity, Supported: b.lower != nil, Helpers: b.helpers})
	}
	return out
}

// builtinNames are the free names kernel functions see without an
// upvalue or global of that name, as the original's kernel environment
// had them: the builtins (dotted ones inside their namespace tables) and
// the constant tables c and BPF (constNames).
var builtinNames = func() map[string]Value {
	m := map[string]Value{}
	for _, b := range builtinTable {
		ns, fn, dotted := strings.Cut(b.name, ".")
		if !dotted {
			m[b.name] = Builtin(b.name)
			continue
		}
		t, _ := m[ns].(MapTable)
		if t == nil {
			t = MapTable{}
			m[ns] = t
		}
		t[fn] = Builtin(b.name)
	}
	return m
}()

// constNames are the constant tables among the builtin names, built on
// first use: most scripts name neither, and their 250 entries cost every
// run's start-up when they were built at init.
var constNames = map[string]func() MapTable{
	"c": sync.OnceValue(func() MapTable {
		t := MapTable{}
		for group, consts := range proto.Consts() {
			t[group] = intTable(consts)
		}
		return t
	}),
	"BPF": sync.OnceValue(func() MapTable { return intTable(proto.BPF) }),
}

// builtinName returns the builtin name's value: a builtin or a constant
// table.
func builtinName(name string) (Value, bool) {
	if v, ok := builtinNames[name]; ok {
		return v, true
	}
	if t, ok := constNames[name]; ok {
		return t(), true
	}
	return nil, false
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
		return pktOp(pktRef{hdr: proto.Eth}, name)
	}
	if v, ok := builtinName(name); ok {
		return constOp(v)
	}
	if v, ok := g.env.Global(name); ok {
		return constOp(v)
	}
	names := []string{"pkt", "eth"}
	for n := range builtinNames {
		names = append(names, n)
	}
	for n := range constNames {
		names = append(names, n)
	}
	sort.Strings(names)
	hint := ""
	if s := source.Suggest(name, names); s != "" {
		hint = " (did you mean '" + s + "'?)"
	}
	g.errorf("unknown name '%s'%s: kernel code sees its own locals, the script's upvalues and globals, and luabpf's builtins", name, hint)
	return operand{}
}

// needPackets checks that the program kind can read the packet.
func (g *builder) needPackets(what string) {
	if g.kind.Packet == proto.NoPacket {
		g.errorf("'%s' reads the packet, which %s cannot do", what, g.kind.Noun)
	}
}

// needHelper checks that the program kind may call helper fn, on behalf
// of what ("print").
func (g *builder) needHelper(fn asm.BuiltinFunc, what string) {
	h := proto.HelperOf(fn)
	if h == nil || !h.Kinds.Has(g.kind) {
		where := ""
		if h != nil {
			var names []string
			for _, k := range proto.Kinds() {
				if h.Kinds.Has(k) {
					names = append(names, k.Name)
				}
			}
			where = "; it works in " + joinAnd(names) + " programs"
		}
		g.errorf("%s is not available in %s programs (the kernel does not let them call %s)%s", what, g.kind.Name, proto.HelperName(fn), where)
	}
}

// joinAnd joins names as a list in a sentence: "a, b and c".
func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return "no"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// callHelper calls helper fn with args in R1.., checking that the
// program kind may call it; the result has the helper's result type.
func (g *builder) callHelper(fn asm.BuiltinFunc, what string, args ...*ir.Value) *ir.Value {
	g.needHelper(fn, what)
	v := g.value(ir.OpCall, helperResult(proto.HelperOf(fn).Ret), args...)
	v.Aux = fn
	return v
}

// helperResult is the IR type of a helper's result.
func helperResult(r proto.Ret) ir.Type {
	switch r {
	case proto.RetU64:
		return ir.U64
	case proto.RetU32:
		return ir.U32
	case proto.RetMapValue:
		return ir.PtrOrNull(ir.SpaceMap)
	}
	return ir.I64
}
