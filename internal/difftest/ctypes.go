package difftest

// CType is an integer C type of kernel values.
type CType struct {
	Name   string
	Size   int // bytes
	Signed bool
	Bool   bool // bool: a store keeps 1 for any non-zero value
}

// The integer types the generator uses.
var (
	Int8   = &CType{Name: "int8_t", Size: 1, Signed: true}
	Uint8  = &CType{Name: "uint8_t", Size: 1}
	Int16  = &CType{Name: "int16_t", Size: 2, Signed: true}
	Uint16 = &CType{Name: "uint16_t", Size: 2}
	Int32  = &CType{Name: "int32_t", Size: 4, Signed: true}
	Uint32 = &CType{Name: "uint32_t", Size: 4}
	Int64  = &CType{Name: "int64_t", Size: 8, Signed: true}
	Uint64 = &CType{Name: "uint64_t", Size: 8}
	Bool   = &CType{Name: "bool", Size: 1, Bool: true}
	// Char is char, signed as on x86-64.
	Char = &CType{Name: "char", Size: 1, Signed: true}
)

// castTypes are the types ffi.cast may name.
var castTypes = []*CType{Int8, Uint8, Int16, Uint16, Int32, Uint32, Int64, Uint64}

// Convert returns bits as a value of type t holds it: the low Size bytes,
// sign- or zero-extended to 64 bits; for bool, 1 for any non-zero value.
func (t *CType) Convert(bits uint64) uint64 {
	if t.Bool {
		if bits != 0 {
			return 1
		}
		return 0
	}
	if t.Size == 8 {
		return bits
	}
	sh := 64 - 8*uint(t.Size)
	if t.Signed {
		return uint64(int64(bits<<sh) >> sh)
	}
	return bits << sh >> sh
}

// Unsigned64 reports whether operations on t are unsigned: only uint64_t
// is, as C's usual arithmetic conversions make it; every narrower type
// converts to int64_t.
func (t *CType) Unsigned64() bool { return t == Uint64 }

// Field is a member of a generated struct.
type Field struct {
	Name string
	Type *CType
	Len  int // > 0: an array of Len elements
}

// Struct is a generated struct type for stack objects.
type Struct struct {
	Name   string
	Packed bool
	Fields []Field
}

// Decl returns the C declaration of s.
func (s *Struct) Decl() string {
	out := "struct "
	if s.Packed {
		out += "__attribute__((packed)) "
	}
	out += s.Name + " {"
	for _, f := range s.Fields {
		out += " " + f.Type.Name + " " + f.Name
		if f.Len > 0 {
			out += "[" + itoa(f.Len) + "]"
		}
		out += ";"
	}
	return out + " };"
}

// The two struct types of stack objects: one with natural alignment,
// narrow members of both signs, a bool and arrays, and one packed so
// that members sit at odd offsets.
var (
	StructS = &Struct{Name: "s", Fields: []Field{
		{"a", Uint8, 0}, {"b", Int8, 0}, {"c", Int16, 0}, {"d", Uint16, 0},
		{"e", Int32, 0}, {"f", Uint32, 0}, {"g", Int64, 0}, {"h", Uint64, 0},
		{"arr", Uint8, 4}, {"w", Int16, 3}, {"q", Uint32, 2}, {"z", Bool, 0},
	}}
	StructP = &Struct{Name: "p", Packed: true, Fields: []Field{
		{"a", Uint8, 0}, {"b", Uint32, 0}, {"c", Int16, 0}, {"d", Uint64, 0}, {"e", Int8, 0},
	}}
	structs = []*Struct{StructS, StructP}
)

// The key and value types of the struct map sm, laid out without
// padding: every byte of a key counts.
var (
	StructK = &Struct{Name: "k", Fields: []Field{{"a", Uint32, 0}, {"b", Uint16, 0}, {"c", Uint8, 0}, {"d", Int8, 0}}}
	StructV = &Struct{Name: "v", Fields: []Field{{"n", Uint64, 0}, {"x", Int32, 0}, {"y", Uint16, 0}, {"tag", Char, 2}}}
)

// Offset returns the byte offset of member name in s (natural
// alignment; s has no packed attribute).
func (s *Struct) Offset(name string) int {
	off := 0
	for _, f := range s.Fields {
		if a := f.Type.Size; off%a != 0 {
			off += a - off%a
		}
		if f.Name == name {
			return off
		}
		off += f.Type.Size * max(f.Len, 1)
	}
	panic("difftest: no member " + name)
}

// Size returns s's size in bytes (its members need no tail padding).
func (s *Struct) Size() int {
	last := s.Fields[len(s.Fields)-1]
	return s.Offset(last.Name) + last.Type.Size*max(last.Len, 1)
}

// Field returns the member called name.
func (s *Struct) Field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	panic("difftest: no member " + name)
}

// Map describes a map the generated programs use.
type Map struct {
	Name       string
	Hash       bool
	Key, Value *CType
	MaxEntries int
	// KeyS and ValueS are the struct key and value types of a struct
	// map (Key and Value are nil then).
	KeyS, ValueS *Struct
}

// The maps: an array map of uint64_t, a hash map with signed 64-bit keys
// and narrow signed values, and out, where every program stores its
// top-level locals at the end so their whole 64 bits are seen.
var (
	MapA   = &Map{Name: "a", Key: Uint32, Value: Uint64, MaxEntries: 8}
	MapH   = &Map{Name: "h", Hash: true, Key: Int64, Value: Int32, MaxEntries: 16}
	MapOut = &Map{Name: "out", Key: Uint32, Value: Uint64, MaxEntries: 16}
	// MapS is a hash map with struct k keys and struct v values.
	MapS = &Map{Name: "sm", Hash: true, KeyS: StructK, ValueS: StructV, MaxEntries: 8}
	Maps = []*Map{MapA, MapH, MapOut, MapS}
)

// KeyType and ValueType are the C names of m's key and value types.
func (m *Map) KeyType() string {
	if m.KeyS != nil {
		return "struct " + m.KeyS.Name
	}
	return m.Key.Name
}

// ValueType is the C name of m's value type.
func (m *Map) ValueType() string {
	if m.ValueS != nil {
		return "struct " + m.ValueS.Name
	}
	return m.Value.Name
}

// ArrObj is a stack array of the byte objects the generated programs
// use: a char array, an array of char arrays, or an array of structs.
type ArrObj struct {
	Name string
	Type string  // the C type ffi.new names
	S    *Struct // the element type of an array of structs
	N    int     // elements; 0 for the single char array
	Size int     // bytes of an element (of the whole array when N is 0)
}

// The byte objects: a char buffer, three char arrays of five, keys and
// values of sm.
var (
	ObjStr  = &ArrObj{Name: "str", Type: "char [8]", Size: 8}
	ObjStrs = &ArrObj{Name: "strs", Type: "char [3][5]", N: 3, Size: 5}
	ObjKeys = &ArrObj{Name: "keys", Type: "struct k [3]", S: StructK, N: 3, Size: 8}
	ObjVals = &ArrObj{Name: "vals", Type: "struct v [2]", S: StructV, N: 2, Size: 16}
	arrObjs = []*ArrObj{ObjStr, ObjStrs, ObjKeys, ObjVals}
)

// Bytes is the size of the whole object.
func (o *ArrObj) Bytes() int { return o.Size * max(o.N, 1) }

// CDef is the C declarations the generated programs need.
func CDef() string {
	out := ""
	for _, s := range append(structs, StructK, StructV) {
		out += s.Decl() + "\n"
	}
	return out
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
