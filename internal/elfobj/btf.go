package elfobj

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cilium/ebpf/btf"
)

// objectBTF is the .BTF section and what the other sections need from it.
type objectBTF struct {
	raw      []byte
	funcs    []btf.TypeID      // the FUNC of each program, by index in Object.Programs
	strs     map[string]uint32 // offsets of the strings .BTF.ext names
	mapOffs  []uint32          // each map's definition in .maps
	mapSizes []uint32
	mapsSize uint32
}

// buildBTF encodes the programs' functions and the map definitions with
// cilium/ebpf's btf.Builder, then adds the strings line and func info
// name: section names, file names and line texts.
func buildBTF(obj *Object, code []*progSection) (*objectBTF, error) {
	ob := &objectBTF{}
	b, err := btf.NewBuilder(nil, nil)
	if err != nil {
		return nil, err
	}
	intType := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	for _, p := range obj.Programs {
		id, err := b.Add(funcType(&p, intType))
		if err != nil {
			return nil, fmt.Errorf("program %s: %w", p.Name, err)
		}
		ob.funcs = append(ob.funcs, id)
	}
	if len(obj.Maps) > 0 {
		if _, err := b.Add(ob.mapsDatasec(obj.Maps, intType)); err != nil {
			return nil, fmt.Errorf("map definitions: %w", err)
		}
	}
	raw, err := b.Marshal(nil, &btf.MarshalOptions{Order: byteOrder})
	if err != nil {
		return nil, err
	}
	var strs []string
	for _, sec := range code {
		strs = append(strs, sec.name)
		for _, l := range sec.lines {
			strs = append(strs, l.file, l.text)
		}
	}
	ob.raw, ob.strs, err = appendStrings(raw, strs)
	if err != nil {
		return nil, err
	}
	return ob, nil
}

// funcType is a program's BTF function: `int NAME(CONTEXT *ctx)`, global
// as clang declares programs.
func funcType(p *Program, intType btf.Type) *btf.Func {
	ctx := p.Context
	if ctx == nil {
		ctx = &btf.Void{}
	}
	proto := &btf.FuncProto{
		Return: intType,
		Params: []btf.FuncParam{{Name: "ctx", Type: &btf.Pointer{Target: ctx}}},
	}
	return &btf.Func{Name: p.Name, Type: proto, Linkage: btf.GlobalFunc}
}

// mapsDatasec describes the .maps section: one global VAR per map, whose
// type is the map's definition, at the offset of its zeroed bytes.
func (ob *objectBTF) mapsDatasec(maps []Map, intType btf.Type) *btf.Datasec {
	numbers := &numberTypes{
		elem:   intType,
		index:  &btf.Int{Name: "__ARRAY_SIZE_TYPE__", Size: 4, Encoding: btf.Unsigned},
		arrays: map[uint32]*btf.Array{},
	}
	ds := &btf.Datasec{Name: ".maps"}
	for i := range maps {
		def := mapDefinition(&maps[i], numbers)
		v := &btf.Var{Name: maps[i].Name, Type: def, Linkage: btf.GlobalVar}
		ob.mapOffs = append(ob.mapOffs, ds.Size)
		ob.mapSizes = append(ob.mapSizes, def.Size)
		ds.Vars = append(ds.Vars, btf.VarSecinfo{Type: v, Offset: ds.Size, Size: def.Size})
		ds.Size += def.Size
	}
	ob.mapsSize = ds.Size
	return ds
}

// mapDefinition is the anonymous struct libbpf's __uint and __type macros
// declare: every member a pointer, numbers as the length of the array
// pointed to (`int (*max_entries)[1024]`), key and value as the type
// pointed to (`struct flow *key`).
func mapDefinition(m *Map, numbers *numberTypes) *btf.Struct {
	def := &btf.Struct{}
	member := func(name string, target btf.Type) {
		def.Members = append(def.Members, btf.Member{
			Name: name, Type: &btf.Pointer{Target: target}, Offset: btf.Bits(def.Size * 8),
		})
		def.Size += 8
	}
	number := func(name string, n uint32) {
		member(name, numbers.array(n))
	}
	number("type", uint32(m.Type))
	switch {
	case m.Key != nil:
		member("key", m.Key)
	case m.KeySize > 0:
		number("key_size", m.KeySize)
	}
	switch {
	case m.Value != nil:
		member("value", m.Value)
	case m.ValueSize > 0:
		number("value_size", m.ValueSize)
	}
	number("max_entries", m.MaxEntries)
	if m.Flags != 0 {
		number("map_flags", m.Flags)
	}
	return def
}

// numberTypes makes the `int [N]` arrays that map definitions point to,
// one per N.
type numberTypes struct {
	elem, index btf.Type
	arrays      map[uint32]*btf.Array
}

func (nt *numberTypes) array(n uint32) *btf.Array {
	a, ok := nt.arrays[n]
	if !ok {
		a = &btf.Array{Index: nt.index, Type: nt.elem, Nelems: n}
		nt.arrays[n] = a
	}
	return a
}

// btfHeaderLen is the size of struct btf_header, which precedes the type
// and string sections of raw BTF.
const btfHeaderLen = 24

// appendStrings adds strs to the string section of raw BTF and returns
// the new BTF and every string's offset.
//
// cilium/ebpf's btf.Builder has no public way to add a string that no type
// names (line info strings are added only from *btf.Line values, whose
// fields are unexported). Its Marshal output is the header, then the
// types, then the strings, ending the buffer; so strings are appended at
// the end of the buffer and the header's string length grows to match.
// Each appended string is stored once; one that a type also names is
// stored twice, which BTF allows. The layout is checked first, so a
// different encoder output is an error, not a corrupt object.
func appendStrings(raw []byte, strs []string) ([]byte, map[string]uint32, error) {
	if len(raw) < btfHeaderLen || byteOrder.Uint16(raw[0:2]) != 0xeb9f {
		return nil, nil, errors.New("marshalled BTF has no header")
	}
	hdrLen := byteOrder.Uint32(raw[4:8])
	typeOff, typeLen := byteOrder.Uint32(raw[8:12]), byteOrder.Uint32(raw[12:16])
	strOff, strLen := byteOrder.Uint32(raw[16:20]), byteOrder.Uint32(raw[20:24])
	if hdrLen != btfHeaderLen || typeOff != 0 || strOff != typeLen ||
		uint64(hdrLen)+uint64(strOff)+uint64(strLen) != uint64(len(raw)) || strLen == 0 {
		return nil, nil, errors.New("marshalled BTF does not end in its string section")
	}
	offs := map[string]uint32{"": 0} // every BTF string table starts with ""
	out := raw
	for _, s := range strs {
		if _, ok := offs[s]; ok {
			continue
		}
		if strings.IndexByte(s, 0) >= 0 {
			return nil, nil, fmt.Errorf("string %q contains a NUL byte", s)
		}
		offs[s] = strLen
		out = append(append(out, s...), 0)
		strLen += uint32(len(s)) + 1
	}
	byteOrder.PutUint32(out[20:24], strLen)
	return out, offs, nil
}
