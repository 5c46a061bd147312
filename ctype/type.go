package ctype

// Type is a C type with its layout for one Arch.
//
// Types are compared with Equal, not ==, except that struct and union types
// have identity: a registry hands out one *Type per tag.
type Type struct {
	Kind     Kind
	Name     string  // spelling for named types: "uint32_t", "int", "struct eth_t", "union u"; "" for anonymous or derived types
	Size     int     // bytes; 0 for void and functions; -1 for a variable-length array `T [?]` (or a struct ending in one) whose length is not set yet
	Align    int     // bytes
	Signed   bool    // Int only: char is signed on AMD64, unsigned on ARM64; enums are Int
	Elem     *Type   // Pointer and Array element; Func result
	Len      int     // Array length; -1 for `[?]`
	Fields   []Field // Struct and Union members in declaration order; anonymous struct/union members have Name ""; unnamed bitfields are left out
	Packed   bool    // declared with __attribute__((packed))
	Params   []*Type // Func parameters
	Variadic bool    // Func ends in `...`

	// Incomplete marks a struct or union that was declared (`struct foo;`)
	// but not defined yet. Its Size is 0 and it has no Fields.
	Incomplete bool
	// Consts holds a struct's `static const` members, e.g. the BPF opcode
	// constants of the original bpf.lua, by name.
	Consts map[string]int64

	attrAlign int      // __attribute__((aligned(N))) on the struct or union
	decl      []member // members as declared, unnamed bitfields included; spells anonymous structs
}

// Field is a member of a struct or union.
type Field struct {
	Name   string
	Type   *Type
	Offset int // byte offset from the start of the enclosing type (for bitfields: bitpos/8)
	// BitOffset is bitpos%8 for bitfields, bits numbered LSB-first
	// (little-endian memory).
	BitOffset int
	// BitSize is > 0 for bitfields. The value is: read
	// ceil((BitOffset+BitSize)/8) bytes at Offset as a little-endian
	// integer, shift right by BitOffset, mask BitSize bits (sign-extend if
	// Type.Signed).
	BitSize int

	attrAlign int // __attribute__((aligned(N))) on the member
}

// member is one member as it was declared, kept to spell anonymous structs
// back as C.
type member struct {
	name      string
	typ       *Type
	bits      int // -1: not a bitfield
	attrAlign int
	packed    bool // __attribute__((packed)) on the member
}

// IsBitfield reports whether f is a bitfield.
func (f Field) IsBitfield() bool { return f.BitSize > 0 }

// Field looks up a member by name, looking through anonymous struct and
// union members. The returned Offset is relative to t.
func (t *Type) Field(name string) (Field, bool) {
	if t == nil || (t.Kind != Struct && t.Kind != Union) || name == "" {
		return Field{}, false
	}
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
		if f.Name == "" && f.Type != nil {
			if g, ok := f.Type.Field(name); ok {
				g.Offset += f.Offset
				return g, true
			}
		}
	}
	return Field{}, false
}

// WithLen returns a copy of a variable-length array type `T [?]` with
// length n and size n times the element size. For a struct whose last
// member is such an array it returns a copy with that member sized. Any
// other type is returned unchanged.
func (t *Type) WithLen(n int) *Type {
	if t == nil || n < 0 || !t.IsVLA() {
		return t
	}
	if t.Kind == Array {
		c := *t
		c.Len = n
		c.Size = n * t.Elem.Size
		if t.Elem.Size > 0 && n > maxSize/t.Elem.Size {
			c.Size = maxSize
		}
		return &c
	}
	c := *t
	c.Fields = append([]Field(nil), t.Fields...)
	last := &c.Fields[len(c.Fields)-1]
	last.Type = last.Type.WithLen(n)
	end := last.Offset + last.Type.Size
	if end < 0 || end >= maxSize {
		end = maxSize
	}
	c.Size = roundUp(end, c.Align)
	return &c
}

// IsVLA reports whether t is `T [?]` without a length yet, or a struct
// whose last member is one.
func (t *Type) IsVLA() bool {
	if t == nil || t.Size != -1 {
		return false
	}
	switch t.Kind {
	case Array:
		return t.Len == -1
	case Struct:
		return len(t.Fields) > 0 && t.Fields[len(t.Fields)-1].Type.IsVLA()
	}
	return false
}

// IsInteger reports whether t is an integer (Int, including enums and
// char) or bool.
func (t *Type) IsInteger() bool {
	return t != nil && (t.Kind == Int || t.Kind == Bool)
}

// IsAggregate reports whether t is a struct, union or array.
func (t *Type) IsAggregate() bool {
	return t != nil && (t.Kind == Struct || t.Kind == Union || t.Kind == Array)
}

// Equal reports whether t and u are the same type as LuaJIT's ffi.istype
// sees it: typedef names and qualifiers do not matter, numbers match by
// kind, size and signedness (so long and long long match), pointers,
// arrays and functions match structurally, and struct and union types
// match only themselves.
func (t *Type) Equal(u *Type) bool {
	if t == u {
		return true
	}
	if t == nil || u == nil || t.Kind != u.Kind {
		return false
	}
	switch t.Kind {
	case Void:
		return true
	case Bool, Float:
		return t.Size == u.Size
	case Int:
		return t.Size == u.Size && t.Signed == u.Signed
	case Pointer:
		return t.Elem.Equal(u.Elem)
	case Array:
		return t.Len == u.Len && t.Elem.Equal(u.Elem)
	case Func:
		if t.Variadic != u.Variadic || len(t.Params) != len(u.Params) || !t.Elem.Equal(u.Elem) {
			return false
		}
		for i := range t.Params {
			if !t.Params[i].Equal(u.Params[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func roundUp(n, a int) int {
	if a <= 1 {
		return n
	}
	return (n + a - 1) / a * a
}
