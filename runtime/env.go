package runtime

import (
	"math"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// env is what a kernel function sees of userspace: its upvalues and
// globals, converted to compile-time values when it is compiled. It
// notes the Lua name the function reaches each map by (an upvalue's or
// global's name, "maps_counts" for maps.counts), which names the map in
// an object file.
type env struct {
	r     *Runtime
	fn    *lua.LFunction
	names map[*value.Map]string
}

// named notes v's Lua name when it is a map, and passes the name on to
// a table's fields.
func (e *env) named(name string, v value.Value) value.Value {
	switch v := v.(type) {
	case *value.Map:
		if _, ok := e.names[v]; !ok {
			e.names[v] = name
		}
	case *luaTable:
		v.env, v.path = e, name
	case *value.Func:
		// The maps an inlined function reaches are the program's too.
		if fe, ok := v.Env.(*env); ok {
			fe.names = e.names
		}
	}
	return v
}

func (e *env) Types() *ctype.Registry { return e.r.reg }

func (e *env) Upvalue(name string) (value.Value, bool) {
	p := e.fn.Proto
	for i, n := range p.DbgUpvalues {
		if n == name && i < len(e.fn.Upvalues) {
			return e.named(name, e.r.value(e.fn.Upvalues[i].Value())), true
		}
	}
	return nil, false
}

func (e *env) Global(name string) (value.Value, bool) {
	env := e.fn.Env
	if env == nil {
		env = e.r.L.G.Global
	}
	v := env.RawGetString(name)
	if v == lua.LNil {
		return nil, false
	}
	return e.named(name, e.r.value(v)), true
}

// value converts a Lua value to a compile-time value.
func (r *Runtime) value(v lua.LValue) value.Value {
	switch v := v.(type) {
	case *lua.LNilType:
		return value.Nil{}
	case lua.LBool:
		return value.Bool(v)
	case lua.LNumber:
		f := float64(v)
		if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return value.Int(int64(f))
		}
		return value.Float(f)
	case lua.LString:
		return value.String(v)
	case *lua.LTable:
		if _, ok := r.programOf(v); ok {
			return value.Opaque("a compiled BPF program")
		}
		if d, ok, err := r.tableMap(v); ok {
			if err != nil {
				return value.Opaque("a table standing for a map, which cannot be one: " + err.Error())
			}
			return d
		}
		return &luaTable{r: r, t: v}
	case *lua.LFunction:
		if name, ok := r.builtin[v]; ok {
			return value.Builtin(name)
		}
		if !v.IsG && v.Proto != nil && r.files[v.Proto.SourceName] != nil {
			// A function of a script luabpf parsed: kernel code inlines it.
			p := v.Proto
			return &value.Func{Source: p.SourceName, First: p.LineDefined, Last: p.LastLineDefined,
				Env: &env{r: r, fn: v, names: map[*value.Map]string{}}}
		}
		return value.Opaque("a Lua function")
	case *lua.LUserData:
		switch u := v.Value.(type) {
		case *Map:
			return u.desc
		}
		if t, ok := ffi.CTypeOf(v); ok {
			return value.CType{T: t}
		}
		if c, ok := ffi.CDataOf(v); ok && c.Type.IsInteger() {
			if n, ok := cdataInt(c); ok {
				return value.Int(n)
			}
		}
		return value.Opaque("a userdata value")
	}
	return value.Opaque("a " + v.Type().String())
}

// cdataInt reads an integer cdata.
func cdataInt(c *ffi.CData) (int64, bool) {
	if len(c.Mem) < c.Type.Size || c.Type.Size > 8 {
		return 0, false
	}
	var u uint64
	for i := c.Type.Size - 1; i >= 0; i-- {
		u = u<<8 | uint64(c.Mem[i])
	}
	if c.Type.Signed && c.Type.Size < 8 {
		sh := 64 - 8*c.Type.Size
		return int64(u) << sh >> sh, true
	}
	return int64(u), true
}

// luaTable lets the compiler read a Lua table lazily. When the compiler
// reached it by a name, env and path say which, for the names of maps
// among its fields.
type luaTable struct {
	r    *Runtime
	t    *lua.LTable
	env  *env
	path string
}

func (t *luaTable) Describe() string { return "a table" }

// Get implements value.Table.
func (t *luaTable) Get(k value.Value) (value.Value, bool) {
	var key lua.LValue
	switch k := k.(type) {
	case value.String:
		key = lua.LString(k)
	case value.Int:
		key = lua.LNumber(k)
	case value.Bool:
		key = lua.LBool(k)
	default:
		return nil, false
	}
	v := t.t.RawGet(key)
	if v == lua.LNil {
		return nil, false
	}
	if s, ok := k.(value.String); ok && t.env != nil {
		return t.env.named(t.path+"_"+string(s), t.r.value(v)), true
	}
	return t.r.value(v), true
}

// Keys implements value.Table.
func (t *luaTable) Keys() []string {
	var out []string
	t.t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok {
			out = append(out, string(s))
		}
	})
	return out
}
