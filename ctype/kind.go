package ctype

// Kind is the class of a C type.
type Kind uint8

const (
	// Void is the type void.
	Void Kind = iota
	// Bool is bool (_Bool).
	Bool
	// Int is any integer type, including char and enums.
	Int
	// Float is float, double and long double.
	Float
	// Pointer is a pointer; Type.Elem is what it points to.
	Pointer
	// Array is an array; Type.Elem is the element type and Type.Len the length.
	Array
	// Struct is a struct; Type.Fields lists its members.
	Struct
	// Union is a union; Type.Fields lists its members.
	Union
	// Func is a function type; Type.Elem is the result, Type.Params the parameters.
	Func
)

var kindNames = [...]string{"void", "bool", "int", "float", "pointer", "array", "struct", "union", "func"}

// String returns the lower-case name of the kind, e.g. "struct".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + itoa(int64(k)) + ")"
}
