// Package value is the compile-time value model: what a kernel function's
// free names (its upvalues and globals) hold when the script asks for the
// function to be compiled. The Lua runtime converts its values into these;
// the compiler reads them as constants, tables of constants, maps and C
// types. The package is data only, so the runtime can build values
// without importing any compiler stage.
package value

import (
	"fmt"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
)

// Value is a compile-time value. Describe says what it is, for messages
// ("a number").
type Value interface{ Describe() string }

// Compile-time value kinds.
type (
	// Nil is Lua's nil.
	Nil struct{}
	// Bool is a Lua boolean.
	Bool bool
	// Int is an integral Lua number (or an integer cdata).
	Int int64
	// Float is a Lua number with a fractional part; it can only take part
	// in constant arithmetic.
	Float float64
	// String is a Lua string.
	String string
	// Builtin is a function the compiler implements, by qualified name:
	// "xadd", "ffi.new", "bit.band", "ntoh".
	Builtin string
	// Opaque is a userspace value kernel code cannot use; the string says
	// what it is ("a Lua function", "a coroutine").
	Opaque string
)

// Func is a Lua function of the script being compiled. Kernel code
// calls it by inlining its body: the compiler finds its source by its
// lines, as for the kernel function itself, and resolves its free names
// through Env.
type Func struct {
	// Source is the chunk name of the file that defines it.
	Source string
	// First and Last are its lines, as the Lua VM records them
	// (LineDefined, LastLineDefined).
	First, Last int
	// Env gives its upvalues and globals.
	Env Env
}

// Table is a Lua table of compile-time values.
type Table interface {
	Value
	// Get returns the value at key, and false when there is none.
	Get(key Value) (Value, bool)
	// Keys lists the string keys, for spelling hints.
	Keys() []string
}

// Map is a BPF map a function may use: its description, not a kernel
// object. Programs refer to it by Name.
type Map struct {
	// Name is the symbol instructions reference the map by; unique among
	// the maps of one script.
	Name string
	Type *proto.MapType
	// Key and Value are the C types of keys and values; nil for maps
	// without them (Type.Bytes).
	Key, Value *ctype.Type
	// MaxEntries is the number of entries, or the size in bytes of a
	// ring buffer.
	MaxEntries int
}

// CType is a C type (ffi.typeof's result).
type CType struct{ T *ctype.Type }

// Describe implements Value.
func (Nil) Describe() string { return "nil" }

// Describe implements Value.
func (Bool) Describe() string { return "a boolean" }

// Describe implements Value.
func (Int) Describe() string { return "a number" }

// Describe implements Value.
func (Float) Describe() string { return "a number" }

// Describe implements Value.
func (String) Describe() string { return "a string" }

// Describe implements Value.
func (b Builtin) Describe() string { return "the builtin " + string(b) }

// Describe implements Value.
func (o Opaque) Describe() string { return string(o) }

// Describe implements Value.
func (*Func) Describe() string { return "a Lua function" }

// Describe implements Value.
func (*Map) Describe() string { return "a map" }

// Describe implements Value.
func (c CType) Describe() string { return "the C type " + c.T.String() }

// Env gives the compiler the userspace side of a kernel function.
type Env interface {
	// Upvalue returns the value of an upvalue of the function.
	Upvalue(name string) (Value, bool)
	// Global returns the value of a global.
	Global(name string) (Value, bool)
	// Types is the script's C type registry (its ffi.cdef declarations).
	Types() *ctype.Registry
}

// MapTable is a Table over a Go map, for builtin namespaces and tests.
type MapTable map[string]Value

// Describe implements Value.
func (MapTable) Describe() string { return "a table" }

// Get implements Table.
func (t MapTable) Get(k Value) (Value, bool) {
	s, ok := k.(String)
	if !ok {
		return nil, false
	}
	v, ok := t[string(s)]
	return v, ok
}

// Keys implements Table.
func (t MapTable) Keys() []string {
	out := make([]string, 0, len(t))
	for k := range t {
		out = append(out, k)
	}
	return out
}

// Format renders v for messages: numbers as digits, strings quoted,
// anything else by what it is.
func Format(v Value) string {
	switch v := v.(type) {
	case Int:
		return fmt.Sprint(int64(v))
	case String:
		return fmt.Sprintf("%q", string(v))
	}
	return v.Describe()
}
