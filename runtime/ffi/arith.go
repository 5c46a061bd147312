package ffi

import (
	"fmt"
	"math"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// Arithmetic and comparison on cdata follow LuaJIT: pointer arithmetic
// when a pointer or array is involved, otherwise 64-bit integer
// arithmetic on any numeric operands (Lua numbers and numeric cdata of any
// size, doubles truncated), unsigned if either operand is a 64-bit
// unsigned integer, with a boxed int64_t or uint64_t result.

// operand classifies one side of an arithmetic metamethod.
type operand struct {
	v       lua.LValue
	c       *CData // nil for Lua values
	num     bool   // a Lua number or numeric cdata
	ptr     bool   // a pointer or array cdata
	unsign  bool   // a 64-bit unsigned integer
	isFloat bool
}

func classify(v lua.LValue) operand {
	o := operand{v: v}
	switch x := v.(type) {
	case lua.LNumber:
		o.num = true
		o.isFloat = true
		_ = x
		return o
	}
	c, ok := CDataOf(v)
	if !ok {
		return o
	}
	o.c = c
	switch t := c.Type; {
	case isNumeric(t):
		o.num = true
		o.unsign = is64(t) && !t.Signed
	case t.Kind == ctype.Pointer || t.Kind == ctype.Array:
		o.ptr = true
	}
	return o
}

// u64 converts a numeric operand to 64 bits, as uint64 when unsigned.
func (o operand) u64(unsigned bool) uint64 {
	var s scalar
	if o.c != nil {
		s = loadScalar(o.c.Type, o.c.Mem)
	} else {
		s = floatScalar(float64(o.v.(lua.LNumber)))
	}
	if unsigned {
		return s.uint64()
	}
	return uint64(s.int64())
}

// arith returns the metamethod for one arithmetic operator.
func (m *Module) arith(op string) lua.LGFunction {
	return func(L *lua.LState) int {
		a, b := classify(L.Get(1)), classify(L.Get(2))
		if op == "unm" {
			b = a
		}
		if v, ok := m.pointerArith(L, op, a, b); ok {
			L.Push(v)
			return 1
		}
		if !a.num || !b.num {
			L.RaiseError("attempt to perform arithmetic on '%s' and '%s'", valueTypeName(a.v), valueTypeName(b.v))
		}
		unsigned := a.unsign || b.unsign
		x, y := a.u64(unsigned), b.u64(unsigned)
		var r uint64
		if unsigned {
			r = arithU64(op, x, y)
		} else {
			r = uint64(arithI64(op, int64(x), int64(y)))
		}
		L.Push(m.box(L, r, unsigned))
		return 1
	}
}

func arithU64(op string, x, y uint64) uint64 {
	switch op {
	case "add":
		return x + y
	case "sub":
		return x - y
	case "mul":
		return x * y
	case "div":
		if y == 0 {
			return 1 << 63
		}
		return x / y
	case "mod":
		if y == 0 {
			return 1 << 63
		}
		return x % y
	case "pow":
		return powU64(x, y)
	case "unm":
		return -x
	}
	return 0
}

func arithI64(op string, x, y int64) int64 {
	switch op {
	case "div":
		if y == 0 || (x == math.MinInt64 && y == -1) {
			return math.MinInt64
		}
		return x / y
	case "mod":
		if y == 0 {
			return math.MinInt64
		}
		if x == math.MinInt64 && y == -1 {
			return 0
		}
		return x % y
	case "pow":
		return powI64(x, y)
	}
	return int64(arithU64(op, uint64(x), uint64(y)))
}

// powU64 is x^k by repeated squaring, wrapping around.
func powU64(x, k uint64) uint64 {
	r := uint64(1)
	for ; k > 0; k >>= 1 {
		if k&1 != 0 {
			r *= x
		}
		x *= x
	}
	return r
}

// powI64 is x^k for signed integers; negative powers give what integer
// division would, as in LuaJIT.
func powI64(x, k int64) int64 {
	if k >= 0 {
		return int64(powU64(uint64(x), uint64(k)))
	}
	switch x {
	case 0:
		return math.MaxInt64
	case 1:
		return 1
	case -1:
		if k&1 != 0 {
			return -1
		}
		return 1
	}
	return 0
}

// pointerArith handles pointer + integer, integer + pointer, pointer -
// integer and pointer - pointer. Arrays decay to pointers to their first
// element.
func (m *Module) pointerArith(L *lua.LState, op string, a, b operand) (lua.LValue, bool) {
	switch {
	case a.ptr && b.num && (op == "add" || op == "sub"):
		n := int64(b.u64(false))
		if op == "sub" {
			n = -n
		}
		return m.WrapCData(L, m.offsetPointer(a.c, n)), true
	case a.num && b.ptr && op == "add":
		return m.WrapCData(L, m.offsetPointer(b.c, int64(a.u64(false)))), true
	case a.ptr && b.ptr && op == "sub":
		ea, eb := elemOf(a.c.Type), elemOf(b.c.Type)
		if !ea.Equal(eb) || ea.Size <= 0 {
			L.RaiseError("attempt to perform arithmetic on '%s' and '%s'", a.c.Type, b.c.Type)
		}
		d := (int64(a.c.Address()) - int64(b.c.Address())) / int64(ea.Size)
		return m.box(L, uint64(d), false), true
	}
	return nil, false
}

// elemOf is the element type of a pointer or array.
func elemOf(t *ctype.Type) *ctype.Type { return t.Elem }

// offsetPointer returns a pointer n elements after where c points (or,
// for an array, after its first element).
func (m *Module) offsetPointer(c *CData, n int64) *CData {
	t := c.Type
	if t.Kind == ctype.Array {
		t = &ctype.Type{Kind: ctype.Pointer, Size: 8, Align: 8, Elem: t.Elem}
	}
	es := int64(max(t.Elem.Size, 1))
	if t.Elem.Kind == ctype.Void {
		es = 1
	}
	target, off := c.pointerTarget()
	delta := n * es
	if target == nil {
		return rawPointer(t, c.Address()+uint64(delta))
	}
	if delta > math.MaxInt32 || delta < math.MinInt32 {
		return rawPointer(t, c.Address()+uint64(delta))
	}
	return newPointer(t, target, off+int(delta))
}

// compare returns the metamethod for ==, < or <=.
func (m *Module) compare(op string) lua.LGFunction {
	return func(L *lua.LState) int {
		a, b := classify(L.Get(1)), classify(L.Get(2))
		r, err := compareOperands(op, a, b)
		if err != nil {
			L.RaiseError("%s", err)
		}
		L.Push(lua.LBool(r))
		return 1
	}
}

func compareOperands(op string, a, b operand) (bool, error) {
	switch {
	case a.num && b.num:
		unsigned := a.unsign || b.unsign
		x, y := a.u64(unsigned), b.u64(unsigned)
		if unsigned {
			return cmpOrdered(op, x, y), nil
		}
		return cmpOrdered(op, int64(x), int64(y)), nil
	case a.ptr && b.ptr:
		return cmpOrdered(op, a.c.Address(), b.c.Address()), nil
	case op == "eq":
		// Equality never fails: other cdata are equal when they are the
		// same memory.
		if a.c != nil && b.c != nil {
			return a.c.Address() == b.c.Address() && a.c.Type.Kind == b.c.Type.Kind, nil
		}
		return false, nil
	}
	return false, fmt.Errorf("attempt to compare '%s' with '%s'", valueTypeName(a.v), valueTypeName(b.v))
}

func cmpOrdered[T int64 | uint64](op string, x, y T) bool {
	switch op {
	case "eq":
		return x == y
	case "lt":
		return x < y
	}
	return x <= y
}

// concat is the __concat metamethod: LuaJIT cannot concatenate cdata.
func (m *Module) concat(L *lua.LState) int {
	L.RaiseError("attempt to concatenate '%s' and '%s'", valueTypeName(L.Get(1)), valueTypeName(L.Get(2)))
	return 0
}
