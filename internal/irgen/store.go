package irgen

import (
	"fmt"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
)

// store lowers obj[key] = val.
func (g *builder) store(obj, key, val operand, name string) {
	g.usePoison(obj, key, val)
	switch obj.kind {
	case opConst:
		switch c := obj.c.(type) {
		case *Map:
			if _, isNil := val.c.(Nil); val.kind == opConst && isNil {
				g.mapDelete(c, key)
				return
			}
			g.mapUpdate(c, key, val, 0)
			return
		case Table:
			g.errorf("kernel code cannot change the userspace table '%s'; use a map to share data", name)
		}
		g.errorf("cannot assign to a field of %s (%s)", obj.kindName(), name)
	case opCtx:
		g.storeCtx(obj, key, val, name)
	case opPkt:
		g.storePkt(obj, key, val, name)
	case opMem:
		g.storeMember(obj, key, val, name)
	default:
		g.errorf("cannot assign to %s (%s)", obj.kindName(), name)
	}
}

func (g *builder) storeCtx(obj, key, val operand, name string) {
	var f proto.CtxField
	off := 0
	if obj.cx.field != nil {
		f = *obj.cx.field
		i, ok := key.constInt()
		if !ok || key.kind != opConst || i < 0 || int(i) >= f.Len {
			g.errorf("'%s' needs a constant index from 0 to %d", name, f.Len-1)
		}
		off = f.Off + int(i)*f.Size
	} else {
		fname := fieldName(key)
		var ok bool
		f, ok = obj.cx.ctx.Field(fname)
		if !ok {
			g.errorf("%s has no field '%s'%s", obj.cx.ctx.Name, fname, suggest(fname, obj.cx.ctx.Names()))
		}
		if f.Len > 0 {
			g.errorf("assign to an element of %s, as in %s[0] = x", name, name)
		}
		off = f.Off
	}
	if f.Access&proto.Write == 0 {
		g.errorf("%s cannot write %s.%s; it may write only %s", g.kind.Noun, obj.what, f.Name, writable(obj.cx.ctx))
	}
	x := g.toInt(val, "the value stored in "+name)
	v := g.value(ir.OpStore, ir.Int(f.Size, false), g.ctx, x)
	v.AuxInt = int64(off)
}

// storeMember assigns to a member or element of C-typed memory.
func (g *builder) storeMember(obj, key, val operand, name string) {
	g.assignMem(g.memMember(obj, key, name, "assign into"), val, name)
}

// assignMem stores val into the memory target refers to: a number into a
// scalar, a string or another object into an array or struct.
func (g *builder) assignMem(target, val operand, name string) {
	ct := target.m.ct
	if target.m.bf.BitSize > 0 || ct.IsInteger() || ct.Kind == ctype.Pointer {
		g.storeScalar(target, g.toInt(val, "the value assigned to "+name))
		return
	}
	if s, ok := val.c.(String); ok && val.kind == opConst {
		g.storeBytes(target, []byte(s), ct.Size, name)
		return
	}
	if val.kind == opMem && val.m.has(memDirect) && val.m.ct.Size == ct.Size && !otherRecord(val.m.ct, ct) {
		g.copyMem(target, val, ct.Size)
		return
	}
	g.errorf("cannot assign %s to '%s' (%s)", val.kindName(), name, ct.String())
}

// otherRecord reports whether t and u differ and one is a struct or
// union: C assigns a struct only from one of its own type, and so does
// kernel code, whatever the sizes (arrays copy by size, as ffi.copy
// does).
func otherRecord(t, u *ctype.Type) bool {
	rec := func(x *ctype.Type) bool { return x.Kind == ctype.Struct || x.Kind == ctype.Union }
	return (rec(t) || rec(u)) && !sameObjectType(t, u)
}

// storeBytes writes b, zero-padded to size bytes, into target.
func (g *builder) storeBytes(target operand, b []byte, size int, name string) {
	if len(b) > size {
		g.errorf("the string (%d bytes) does not fit in '%s' (%d bytes)", len(b), name, size)
	}
	g.needWritable(target)
	buf := make([]byte, size)
	copy(buf, b)
	// Stores of immediates take 32 bits at most.
	ps := pieces(target, 0, size, 4)
	mem := target.m.mem
	g.at(target, func(pl place) *ir.Value {
		for _, s := range ps {
			mem.store(g, pl, int64(s.at), s.size, g.konst(pack(string(buf[s.at:s.at+s.size]), strRaw)))
		}
		return nil
	}, nil)
}

// writable lists the context fields a program may write, for messages:
// "cb[0..4]".
func writable(c *proto.Ctx) string {
	var out []string
	for _, f := range c.Fields {
		if f.Access&proto.Write == 0 {
			continue
		}
		if f.Len > 0 {
			out = append(out, fmt.Sprintf("%s[0..%d]", f.Name, f.Len-1))
		} else {
			out = append(out, f.Name)
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, ", ")
}
