package irgen

import (
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// helperInts returns a builtin that calls helper fn with its arguments,
// numbers, the missing ones of the n it takes being 0: redirect(ifindex
// [, flags]). It gives the helper's result.
func helperInts(fn asm.BuiltinFunc, n int) func(*builder, []operand, string) operand {
	return func(g *builder, args []operand, name string) operand {
		return intOp(g.callHelper(fn, name, g.intArgs(args, n, name)...))
	}
}

// packetMover returns a builtin calling helper fn, which may move or
// resize the packet, with the context and up to n numbers: the packet
// pointers are loaded again after it. Positions computed before stay
// offsets from the packet's (new) start.
func packetMover(fn asm.BuiltinFunc, n int) func(*builder, []operand, string) operand {
	return func(g *builder, args []operand, name string) operand {
		call := append([]*ir.Value{g.ctx}, g.intArgs(args, n, name)...)
		v := g.callHelper(fn, name, call...)
		g.movedPacket()
		return intOp(v)
	}
}

// intArgs converts a builtin's arguments to numbers, with 0 for the
// ones left out up to n.
func (g *builder) intArgs(args []operand, n int, name string) []*ir.Value {
	out := make([]*ir.Value, n)
	for i := range out {
		if i < len(args) {
			out[i] = g.toInt(args[i], "an argument of "+name)
		} else {
			out[i] = g.konst(0)
		}
	}
	return out
}

// redirectMap implements redirect_map(map, key [, flags]): send the
// packet to the interface or CPU a devmap or cpumap holds at key. The
// low bits of flags are the action when key is missing (0:
// XDP_ABORTED). It gives the action to return, XDP_REDIRECT on success.
func (g *builder) redirectMap(args []operand, name string) operand {
	m := g.mapArgOf(args[0], name, proto.RedirectTargets)
	rest := g.intArgs(args[1:], 2, name)
	return intOp(g.callHelper(asm.FnRedirectMap, name, append([]*ir.Value{g.mapPtr(m)}, rest...)...))
}
