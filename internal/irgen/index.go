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
	case opStack, opMapVal:
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
	if obj.ctxField != nil {
		// An array field: skb.cb[i].
		f := obj.ctxField
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
	f, ok := obj.ctx.Field(fname)
	if !ok {
		g.errorf("%s has no field '%s'%s", obj.ctx.Name, fname, suggest(fname, obj.ctx.Names()))
	}
	if f.Packet && g.kind.Packet == proto.SkbLoads {
		// Socket filters may not dereference skb->data; their packet
		// positions are offsets read with LD_ABS/LD_IND, and data_end is
		// the packet length.
		if f.Name == "data" {
			return operand{kind: opPkt, hdr: bytesHeader, what: name}
		}
		if f.Name == "data_end" {
			ln, _ := obj.ctx.Field("len")
			return operand{kind: opPkt, v: g.ctxLoad(&ln, ln.Off).v, hdr: bytesHeader, what: name}
		}
	}
	if f.Access&proto.Read == 0 {
		g.errorf("a %s cannot read %s.%s (the kernel rejects it)", g.kind.Name, obj.what, f.Name)
	}
	if f.Len > 0 {
		o := obj
		o.ctxField = &f
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

// indexMem reads a member or element of stack or map-value memory.
// Scalars in stack memory are read at once (as LuaJIT gives numbers for
// scalar fields); map-value members stay references, so xadd and
// assignment can use them.
func (g *builder) indexMem(obj, key operand, name string) operand {
	ct := obj.ct
	var o operand
	switch ct.Kind {
	case ctype.Struct, ctype.Union:
		fname := fieldName(key)
		f, ok := ct.Field(fname)
		if !ok {
			g.errorf("%s has no member '%s'%s", ct.String(), fname, suggest(fname, fieldNames(ct)))
		}
		o = obj
		if f.BitSize > 0 {
			o = withBitfield(obj, ct, f)
		} else {
			o.off += int64(f.Offset)
			o.ct = f.Type
		}
		o.field = true
	case ctype.Array:
		o = g.element(obj, key, name)
	case ctype.Pointer:
		g.errorf("'%s' holds a pointer; dereferencing pointers stored in memory is not supported in kernel functions", name)
	default:
		g.errorf("cannot index '%s', which is %s", name, ct.String())
	}
	if o.kind == opStack && (o.isNumeric() || o.bf.BitSize > 0) {
		return g.numOp(o, name)
	}
	return o
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
	ct := obj.ct
	es := ct.Elem.Size
	o := obj
	o.ct = ct.Elem
	o.field = true
	if i, ok := key.constInt(); ok && key.kind == opConst {
		if i < 0 || (ct.Len >= 0 && int(i) >= ct.Len) {
			g.errorf("index %d is out of range for %s (%s)", i, name, ct.String())
		}
		o.off += i * int64(es)
		return o
	}
	i := g.toInt(key, "the index of "+name)
	if obj.index != nil {
		g.errorf("'%s' has two indices known only at run time; kernel code can check one per access: copy the inner array out first, or index it with a constant", name)
	}
	o.index = i
	o.bound = ct.Len
	o.scale = es
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
