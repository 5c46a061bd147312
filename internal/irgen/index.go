package irgen

import (
	"sort"
	"strings"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// index lowers obj[key] (and obj.key) when read.
func (g *builder) index(obj, key operand, name string) operand {
	switch obj.kind {
	case opConst:
		return g.indexConst(obj, key, name)
	case opCtx:
		return g.indexCtx(obj, key, name)
	case opPkt:
		return g.indexPkt(obj, key, name)
	case opMem:
		return g.indexMem(obj, key, name)
	}
	g.errorf("cannot index %s (%s)", obj.kindName(), name)
	return operand{}
}

func (g *builder) indexConst(obj, key operand, name string) operand {
	switch c := obj.c.(type) {
	case Table:
		if key.kind != opConst {
			g.errorf("'%s' indexes a userspace table with a value known only at run time; kernel code can read tables only with constant keys (use a map for run-time lookups)", name)
		}
		v, ok := c.Get(key.c)
		if !ok {
			hint := ""
			if s, isStr := key.c.(String); isStr {
				// Sorted: Suggest keeps the first of equally close
				// names, and a table's keys come in no fixed order.
				keys := c.Keys()
				sort.Strings(keys)
				if sug := source.Suggest(string(s), keys); sug != "" {
					hint = " (did you mean '" + sug + "'?)"
				}
			}
			g.errorf("'%s' is nil: the table has no %s%s", name, valueString(key.c), hint)
		}
		return constOp(v)
	case *Map:
		return g.mapLookup(c, key)
	case Nil:
		g.errorf("%s is nil, so %s cannot be read; is it assigned before this function is compiled?", baseName(name), name)
	}
	g.errorf("cannot index %s (%s)", obj.kindName(), name)
	return operand{}
}

// fieldName returns key as a field name, or "" when it is not a string.
func fieldName(key operand) string {
	if key.kind == opConst {
		if s, ok := key.c.(String); ok {
			return string(s)
		}
	}
	return ""
}

func (g *builder) indexCtx(obj, key operand, name string) operand {
	if obj.cx.field != nil {
		// An array field: skb.cb[i].
		f := obj.cx.field
		i, ok := key.constInt()
		if !ok || key.kind != opConst {
			g.errorf("'%s' must be indexed with a constant: the kernel only allows fixed offsets into the context", name)
		}
		if i < 0 || int(i) >= f.Len {
			g.errorf("index %d is out of range for %s (it has %d elements)", i, name, f.Len)
		}
		return g.ctxLoad(f, f.Off+int(i)*f.Size)
	}
	fname := fieldName(key)
	ctx := obj.cx.ctx
	f, ok := ctx.Field(fname)
	if !ok {
		g.errorf("%s has no field '%s'%s", ctx.Name, fname, suggest(fname, ctx.Names()))
	}
	if f.Packet && g.pkt != nil {
		// data and data_end are positions in the packet, read as the
		// kind's packet access says.
		return g.pkt.ctxField(g, f, name)
	}
	if f.Access&proto.Read == 0 {
		g.errorf("%s cannot read %s.%s (the kernel rejects it)", g.kind.Noun, obj.what, f.Name)
	}
	if f.Len > 0 {
		o := obj
		o.cx.field = &f
		return o
	}
	return g.ctxLoad(&f, f.Off)
}

// ctxLoad reads a context field at off.
func (g *builder) ctxLoad(f *proto.CtxField, off int) operand {
	v := g.value(ir.OpLoad, ir.Int(f.Size, f.Signed), g.ctx)
	v.AuxInt = int64(off)
	return operand{kind: opInt, v: v, str: strRaw, width: f.Size}
}

func suggest(name string, names []string) string {
	if s := source.Suggest(name, names); s != "" {
		return " (did you mean '" + s + "'?)"
	}
	return ""
}

// indexMem reads a member or element of C-typed memory. Scalars are
// read at once (as LuaJIT gives numbers for scalar fields), except in
// memory that can change under the program (map values): their members
// stay references, so xadd and assignment can use them and a read sees
// the current value.
func (g *builder) indexMem(obj, key operand, name string) operand {
	o := g.memMember(obj, key, name, "index")
	if o.kind != opMem || o.m.ptr {
		return o
	}
	if o.m.ct.Kind == ctype.Pointer && o.m.bf.BitSize == 0 && g.canProbe() {
		// A pointer member is followed when indexed: p.field, p[i].
		return pointerTo(g.loadScalar(o), o.m.ct.Elem, g.pointersToUser(o.m.mem), name)
	}
	if !o.m.has(memLive) && (o.isNumeric() || o.m.bf.BitSize > 0) {
		return g.numOp(o, name)
	}
	return o
}

// memMember is the member or element of memory operand obj that key
// names, as a reference; how ("index", "assign into") is what the code
// does with it, for messages.
func (g *builder) memMember(obj, key operand, name, how string) operand {
	o := g.member(obj, key, name, how)
	o.what = name
	return o
}

func (g *builder) member(obj, key operand, name, how string) operand {
	if obj.m.ptr {
		return g.pointee(obj, key, name)
	}
	if r, ok := obj.m.mem.(recordMem); ok && !obj.m.field && obj.m.off == 0 {
		if fname := fieldName(key); fname != "" {
			if o, ok := r.member(g, obj, fname); ok {
				return o
			}
		}
	}
	ct := obj.m.ct
	if i, ok := key.constInt(); ok && key.kind == opConst && i == 0 && !obj.m.field && ct.Kind != ctype.Array {
		// The object itself, as index 0 of the pointer a map lookup
		// gives in the original: v = m[k]; v[0] = v[0] + 1.
		o := obj
		o.m.field = ct.Kind != ctype.Struct && ct.Kind != ctype.Union
		return o
	}
	switch ct.Kind {
	case ctype.Struct, ctype.Union:
		fname := fieldName(key)
		f, ok := ct.Field(fname)
		if !ok {
			g.errorf("%s has no member '%s'%s", ct.String(), fname, suggest(fname, fieldNames(ct)))
		}
		o := obj
		if f.BitSize > 0 {
			o = withBitfield(obj, ct, f)
		} else {
			o.m.off += int64(f.Offset)
			o.m.ct = f.Type
		}
		o.m.field = true
		return o
	case ctype.Array:
		return g.element(obj, key, name)
	case ctype.Pointer:
		g.errorf("'%s' holds a pointer; dereferencing pointers stored in memory is not supported in kernel functions", name)
	}
	g.errorf("cannot %s '%s', which is %s", how, name, ct.String())
	return operand{}
}

func fieldNames(ct *ctype.Type) []string {
	var out []string
	for _, f := range ct.Fields {
		out = append(out, f.Name)
	}
	return out
}

// element returns the element of an array operand at index key. A
// run-time index gets the bounds check the verifier needs.
func (g *builder) element(obj, key operand, name string) operand {
	ct := obj.m.ct
	es := ct.Elem.Size
	o := obj
	o.m.ct = ct.Elem
	o.m.field = true
	if i, ok := key.constInt(); ok && key.kind == opConst {
		if i < 0 || (ct.Len >= 0 && int(i) >= ct.Len) {
			g.errorf("index %d is out of range for %s (%s)", i, name, ct.String())
		}
		o.m.off += i * int64(es)
		return o
	}
	i := g.toInt(key, "the index of "+name)
	if obj.m.index != nil {
		g.errorf("'%s' has two indices known only at run time; kernel code can check one per access: copy the inner array out first, or index it with a constant", name)
	}
	o.m.index = i
	o.m.bound = ct.Len
	o.m.scale = es
	return o
}

var bytesHeader, _ = proto.Lookup("data")

// baseName strips the last index from an expression name: "m[...]" → "m".
func baseName(name string) string {
	if b, ok := strings.CutSuffix(name, "[...]"); ok && b != "" {
		return "'" + b + "'"
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return "'" + name[:i] + "'"
	}
	return "the value"
}

// pointee dereferences pointer reference p: p.field is a member of the
// object it points to (LuaJIT dereferences struct pointers so), p[i] the
// i-th object from it (any index: there is no bound to check).
func (g *builder) pointee(p, key operand, name string) operand {
	o := p
	o.m.ptr, o.m.field = false, true
	if fieldName(key) != "" {
		o.m.field = false
		return g.memMember(o, key, name, "index")
	}
	es := o.m.ct.Size
	if es <= 0 {
		g.errorf("'%s' points to %s, which has no size to index by", name, o.m.ct)
	}
	if i, ok := key.constInt(); ok && key.kind == opConst {
		o.m.off += i * int64(es)
		return o
	}
	o.m.index, o.m.bound, o.m.scale = g.toInt(key, "the index of "+name), -1, es
	return o
}
