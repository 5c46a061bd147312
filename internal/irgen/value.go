package irgen

import "github.com/luabpf/luabpf/compile/value"

// The compile-time value model lives in package value, so the runtime
// can build values without importing the compiler; these aliases keep
// lowering code short.
type (
	Value    = value.Value
	Nil      = value.Nil
	Bool     = value.Bool
	Int      = value.Int
	Float    = value.Float
	String   = value.String
	Builtin  = value.Builtin
	Opaque   = value.Opaque
	Table    = value.Table
	Map      = value.Map
	CType    = value.CType
	Env      = value.Env
	MapTable = value.MapTable
)

func valueString(v Value) string { return value.Format(v) }
