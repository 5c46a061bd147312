package passes

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/ir"
)

// cse merges pure values that compute the same thing, walking the
// dominator tree so the value kept always dominates the ones it replaces.
func cse(f *ir.Func) {
	dom := f.Dominators()
	avail := map[cseKey]*ir.Value{}
	repl := map[*ir.Value]*ir.Value{}
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		var added []cseKey
		for _, v := range b.Values {
			if v.Op != ir.OpPhi {
				for i, a := range v.Args {
					if r := repl[a]; r != nil {
						v.SetArg(i, r)
					}
				}
			}
			if v.Op.Effect() != ir.Pure || v.Op == ir.OpPhi || v.Op == ir.OpArg || v.Op == ir.OpCopy {
				continue
			}
			k := valueKey(v)
			if w := avail[k]; w != nil {
				repl[v] = w
				continue
			}
			avail[k] = v
			added = append(added, k)
		}
		for _, c := range dom.Children(b) {
			walk(c)
		}
		for _, k := range added {
			delete(avail, k)
		}
	}
	walk(f.Entry())
	if len(repl) > 0 {
		replaceAll(f, repl)
	}
}

// replaceAll makes every use of a key of repl use its value instead.
func replaceAll(f *ir.Func, repl map[*ir.Value]*ir.Value) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				if r := repl[a]; r != nil && r != v {
					v.SetArg(i, r)
				}
			}
		}
		if r := repl[b.Control]; b.Control != nil && r != nil {
			b.SetControl(r)
		}
	}
}

// cseKey identifies what a value computes: op, type, aux values and
// argument IDs (the first three in args, -1 where there are fewer; any
// more in rest). A struct, not text: building a string with fmt for
// every value was most of the pass's time.
type cseKey struct {
	op     ir.Op
	typ    ir.Type
	auxInt int64
	aux    any
	args   [3]int
	rest   string
}

// valueKey identifies what v computes. Commutative ops sort their
// arguments so a+b and b+a match.
func valueKey(v *ir.Value) cseKey {
	k := cseKey{op: v.Op, typ: v.Type, auxInt: v.AuxInt, aux: auxPtr(v.Aux), args: [3]int{-1, -1, -1}}
	args := v.Args
	if v.Op.IsCommutative() && len(args) == 2 && args[0].ID > args[1].ID {
		args = []*ir.Value{args[1], args[0]}
	}
	for i, a := range args {
		if i < len(k.args) {
			k.args[i] = a.ID
		} else {
			k.rest += strconv.Itoa(a.ID) + ","
		}
	}
	return k
}

// auxPtr gives aux values an identity for keys: pointers stay pointers,
// helpers become their id, and a value a map key cannot hold its
// printed form.
func auxPtr(a any) any {
	switch a := a.(type) {
	case asm.BuiltinFunc:
		return uintptr(a)
	case nil:
		return uintptr(0)
	}
	if !reflect.TypeOf(a).Comparable() {
		return fmt.Sprintf("%T %v", a, a)
	}
	return a
}
