package ctype

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// BTF returns t as a cilium/ebpf BTF type, for a map's key or value
// (ebpf.MapSpec.Key and Value) or an object file's type information. See
// [BTFConverter] for how C types map to BTF.
func BTF(t *Type) (btf.Type, error) {
	return NewBTFConverter().Convert(t)
}

// BTFConverter turns ctype types into BTF. It remembers what it converted,
// so a struct that two map definitions share becomes one btf.Type and a
// struct that points to itself terminates. The same types converted in the
// same order give the same BTF.
//
// The mapping:
//   - integers become btf.Int named with their C base spelling ("unsigned
//     int"); char has the Char encoding (BTF then prints it as a
//     character and knows no sign), bool the Bool encoding;
//   - a typedef name such as uint32_t, size_t or a script's own typedef
//     becomes a btf.Typedef of the base type, since ctype keeps the name
//     but not the typedef chain; `typedef struct {...} foo_t` is a
//     btf.Typedef of an anonymous btf.Struct;
//   - `enum tag` becomes a btf.Enum without values (ctype keeps enum
//     constants in the registry, not in the type), anonymous enums their
//     integer type;
//   - struct and union members carry bit offsets, bitfields their width;
//     anonymous members have an empty name; an incomplete struct is a
//     btf.Fwd;
//   - arrays index with a 4-byte unsigned int named __ARRAY_SIZE_TYPE__,
//     as clang writes them; pointers, floats and function prototypes map
//     directly.
//
// Qualifiers are not kept (ctype drops them). Sizes agree: btf.Sizeof of
// the result equals Type.Size. Variable-length types without a length
// have no BTF.
type BTFConverter struct {
	done  map[*Type]btf.Type
	base  map[string]btf.Type // base types by C spelling
	index *btf.Int
}

// NewBTFConverter returns a converter with nothing converted yet.
func NewBTFConverter() *BTFConverter {
	return &BTFConverter{done: map[*Type]btf.Type{}, base: map[string]btf.Type{}}
}

// Convert returns the BTF type for t.
func (c *BTFConverter) Convert(t *Type) (btf.Type, error) {
	if t == nil {
		return nil, fmt.Errorf("no type to convert to BTF")
	}
	if b, ok := c.done[t]; ok {
		return b, nil
	}
	switch t.Kind {
	case Struct, Union:
		return c.record(t)
	}
	b, err := c.convert(t)
	if err != nil {
		return nil, err
	}
	c.done[t] = b
	return b, nil
}

func (c *BTFConverter) convert(t *Type) (btf.Type, error) {
	switch t.Kind {
	case Void:
		return &btf.Void{}, nil
	case Bool, Int:
		return c.integer(t)
	case Float:
		return c.named(t, c.float(floatName(t)))
	case Pointer:
		elem, err := c.Convert(t.Elem)
		if err != nil {
			return nil, err
		}
		return c.named(t, &btf.Pointer{Target: elem})
	case Array:
		if t.Len < 0 || t.Size < 0 {
			return nil, fmt.Errorf("variable-length array %s has no BTF; give it a length", t)
		}
		elem, err := c.Convert(t.Elem)
		if err != nil {
			return nil, err
		}
		return c.named(t, &btf.Array{Index: c.indexType(), Type: elem, Nelems: uint32(t.Len)})
	case Func:
		return c.funcProto(t)
	}
	return nil, fmt.Errorf("type %s (%s) has no BTF", t, t.Kind)
}

// named wraps b in a typedef when t carries a typedef name.
func (c *BTFConverter) named(t *Type, b btf.Type) (btf.Type, error) {
	if t.Name == "" || isBaseName(t.Name) {
		return b, nil
	}
	return &btf.Typedef{Name: t.Name, Type: b}, nil
}

// integer converts Int (enums included) and Bool types.
func (c *BTFConverter) integer(t *Type) (btf.Type, error) {
	if tag, ok := strings.CutPrefix(t.Name, "enum "); ok {
		return &btf.Enum{Name: tag, Size: uint32(t.Size), Signed: t.Signed}, nil
	}
	if t.Size != 1 && t.Size != 2 && t.Size != 4 && t.Size != 8 {
		return nil, fmt.Errorf("integer type %s of %d bytes has no BTF", t, t.Size)
	}
	name := t.Name
	if !isBaseName(name) {
		name = intBaseName(t)
	}
	return c.named(t, c.int(name, t))
}

// int returns the shared btf.Int for a base spelling.
func (c *BTFConverter) int(name string, t *Type) btf.Type {
	if b, ok := c.base[name]; ok {
		return b
	}
	enc := btf.Unsigned
	switch {
	case t.Kind == Bool:
		enc = btf.Bool
	case name == "char":
		enc = btf.Char
	case t.Signed:
		enc = btf.Signed
	}
	b := &btf.Int{Name: name, Size: uint32(t.Size), Encoding: enc}
	c.base[name] = b
	return b
}

// float returns the shared btf.Float for a base spelling.
func (c *BTFConverter) float(name string) btf.Type {
	if b, ok := c.base[name]; ok {
		return b
	}
	size := map[string]uint32{"float": 4, "double": 8, "long double": 16}[name]
	b := &btf.Float{Name: name, Size: size}
	c.base[name] = b
	return b
}

func floatName(t *Type) string {
	switch t.Size {
	case 4:
		return "float"
	case 8:
		return "double"
	}
	return "long double"
}

// indexType is the integer arrays are indexed by, as clang names it.
func (c *BTFConverter) indexType() *btf.Int {
	if c.index == nil {
		c.index = &btf.Int{Name: "__ARRAY_SIZE_TYPE__", Size: 4, Encoding: btf.Unsigned}
	}
	return c.index
}

// record converts a struct or union. It registers the result before
// converting the members, so that members pointing back at t find it.
func (c *BTFConverter) record(t *Type) (btf.Type, error) {
	tag, tagged := strings.CutPrefix(t.Name, t.Kind.String()+" ")
	if t.Incomplete {
		kind := btf.FwdStruct
		if t.Kind == Union {
			kind = btf.FwdUnion
		}
		fwd := &btf.Fwd{Name: tag, Kind: kind}
		c.done[t] = fwd
		return fwd, nil
	}
	if t.Size < 0 {
		return nil, fmt.Errorf("%s ends in a variable-length array and has no BTF; give the array a length", t)
	}
	if !tagged {
		tag = ""
	}
	var rec btf.Type
	var members *[]btf.Member
	if t.Kind == Struct {
		s := &btf.Struct{Name: tag, Size: uint32(t.Size)}
		rec, members = s, &s.Members
	} else {
		u := &btf.Union{Name: tag, Size: uint32(t.Size)}
		rec, members = u, &u.Members
	}
	*members = make([]btf.Member, 0, len(t.Fields))
	if t.Name != "" && !tagged {
		// An anonymous struct named by its typedef.
		rec = &btf.Typedef{Name: t.Name, Type: rec}
	}
	c.done[t] = rec
	for _, f := range t.Fields {
		ft, err := c.Convert(f.Type)
		if err != nil {
			delete(c.done, t)
			return nil, fmt.Errorf("member %q of %s: %w", f.Name, t, err)
		}
		*members = append(*members, btf.Member{
			Name:         f.Name,
			Type:         ft,
			Offset:       btf.Bits(f.Offset*8 + f.BitOffset),
			BitfieldSize: btf.Bits(f.BitSize),
		})
	}
	return rec, nil
}

// funcProto converts a function type; a variadic one ends in a void
// parameter, as BTF marks `...`.
func (c *BTFConverter) funcProto(t *Type) (btf.Type, error) {
	ret, err := c.Convert(t.Elem)
	if err != nil {
		return nil, err
	}
	fp := &btf.FuncProto{Return: ret}
	for _, p := range t.Params {
		pt, err := c.Convert(p)
		if err != nil {
			return nil, err
		}
		fp.Params = append(fp.Params, btf.FuncParam{Type: pt})
	}
	if t.Variadic {
		fp.Params = append(fp.Params, btf.FuncParam{Type: &btf.Void{}})
	}
	return c.named(t, fp)
}

// baseNames are the spellings of the built-in base types; any other name
// on a non-record type is a typedef.
var baseNames = map[string]bool{
	"void": true, "bool": true, "char": true, "signed char": true, "unsigned char": true,
	"short": true, "unsigned short": true, "int": true, "unsigned int": true,
	"long": true, "unsigned long": true, "long long": true, "unsigned long long": true,
	"float": true, "double": true, "long double": true,
}

func isBaseName(name string) bool { return baseNames[name] }

// intBaseName is the base spelling under an integer typedef, the one
// glibc uses on LP64 Linux (uint64_t is unsigned long, int8_t signed char).
func intBaseName(t *Type) string {
	if t.Kind == Bool {
		return "bool"
	}
	names := map[int]string{1: "char", 2: "short", 4: "int", 8: "long"}
	name := names[t.Size]
	switch {
	case !t.Signed:
		return "unsigned " + name
	case t.Size == 1:
		return "signed char"
	}
	return name
}
