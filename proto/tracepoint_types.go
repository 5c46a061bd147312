package proto

import (
	"fmt"
	"strings"

	"github.com/luabpf/luabpf/ctype"
)

// fieldTypes gives tracepoint fields their C types. The format says each
// field's size and signedness but spells its type with kernel names
// (pid_t, u64, struct mm_struct *) that a ctype registry does not know, so
// a known spelling is used when its layout agrees with the format and a
// type of the format's size is made up otherwise.
type fieldTypes struct {
	r *ctype.Registry
}

func newFieldTypes(arch ctype.Arch) *fieldTypes {
	return &fieldTypes{r: ctype.NewRegistry(arch)}
}

// assign sets f.CType (and f.Elem for dynamic fields), checking that the
// declaration agrees with the size.
func (ft *fieldTypes) assign(f *TracepointField) error {
	switch {
	case f.DataLoc:
		if f.Size != 4 {
			return fmt.Errorf("dynamic field '%s' has size %d, want 4", f.Name, f.Size)
		}
		_, elem, _ := strings.Cut(f.Type, " ")
		f.CType = ft.r.MustParse("uint32_t")
		f.Elem = ft.named(strings.TrimSuffix(strings.TrimSpace(elem), "[]"))
	case f.Array:
		return ft.array(f)
	case f.Pointer:
		if f.Size != 4 && f.Size != 8 {
			return fmt.Errorf("pointer field '%s' has size %d", f.Name, f.Size)
		}
		f.CType = &ctype.Type{Kind: ctype.Pointer, Size: f.Size, Align: f.Size, Elem: ft.named(strings.TrimSuffix(f.Type, "*"))}
	default:
		f.CType = ft.scalar(f.Type, f.Size, f.Signed)
	}
	return nil
}

// array types an array field: elements of Size/Len bytes for a written
// length, of the named type's size for a length that is not a number
// (or a flexible array with a size), and bytes when neither works.
func (ft *fieldTypes) array(f *TracepointField) error {
	text := strings.TrimSpace(f.Type[:strings.LastIndexByte(f.Type, '[')])
	var elem *ctype.Type
	switch {
	case f.Len > 0:
		if f.Size%f.Len != 0 {
			return fmt.Errorf("array '%s' of %d elements in %d bytes", f.Name, f.Len, f.Size)
		}
		elem = ft.scalar(text, f.Size/f.Len, f.Signed)
	case f.Size == 0:
		elem = ft.named(text)
		f.Len = 0
	default:
		elem = ft.named(text)
		if elem.Size <= 0 || f.Size%elem.Size != 0 {
			elem = ft.scalar("uint8_t", 1, false)
		}
		f.Len = f.Size / elem.Size
	}
	size := f.Len * max(elem.Size, 0)
	f.CType = &ctype.Type{Kind: ctype.Array, Elem: elem, Len: f.Len, Size: size, Align: max(elem.Align, 1)}
	return nil
}

// scalar returns a type for text that is size bytes with the given
// signedness: the registry's when it has that layout, an integer named
// text for integers (kernel typedefs, enums, char with the kernel's
// -funsigned-char), a fixed-width integer when text is a C type of another
// size (syscall arguments are 8 bytes whatever their declared type), and
// an opaque struct of that size otherwise.
func (ft *fieldTypes) scalar(text string, size int, signed bool) *ctype.Type {
	name := clean(text)
	t := ft.lookup(name)
	switch {
	case t != nil && t.Size == size && (!t.IsInteger() || t.Kind == ctype.Bool || t.Signed == signed):
		return t
	case t != nil && t.IsInteger() && t.Size == size:
		return &ctype.Type{Kind: ctype.Int, Name: name, Size: size, Align: size, Signed: signed}
	case t != nil && t.IsInteger() && isIntSize(size):
		return fixedInt(ft.r, size, signed)
	case t == nil && isIntSize(size) && !strings.HasPrefix(name, "struct ") && !strings.HasPrefix(name, "union "):
		return &ctype.Type{Kind: ctype.Int, Name: name, Size: size, Align: size, Signed: signed}
	}
	return &ctype.Type{Kind: ctype.Struct, Name: name, Size: size, Align: 1}
}

// named returns a type for text whose size the format does not give:
// what pointers point to and dynamic arrays hold.
func (ft *fieldTypes) named(text string) *ctype.Type {
	name := clean(text)
	if rest, ok := strings.CutSuffix(name, "*"); ok {
		return &ctype.Type{Kind: ctype.Pointer, Size: 8, Align: 8, Elem: ft.named(rest)}
	}
	if t := ft.lookup(name); t != nil {
		return t
	}
	if k, ok := kernelInts[name]; ok {
		t := ft.r.MustParse(k)
		return &ctype.Type{Kind: ctype.Int, Name: name, Size: t.Size, Align: t.Align, Signed: t.Signed}
	}
	return &ctype.Type{Kind: ctype.Struct, Name: name, Align: 1, Incomplete: true}
}

// lookup returns the registry's type for a plain spelling, or nil. Only
// words go to the C parser, so nothing in a damaged file can define types.
func (ft *fieldTypes) lookup(name string) *ctype.Type {
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return r != ' ' && (r >= 128 || !isIdentByte(byte(r))) }) >= 0 {
		return nil
	}
	t, err := ft.r.Parse(name)
	if err != nil {
		return nil
	}
	return t
}

// kernelInts are the kernel's integer typedefs that pointers in formats
// point to, with their C types.
var kernelInts = map[string]string{
	"u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t", "u64": "uint64_t",
	"s8": "int8_t", "s16": "int16_t", "s32": "int32_t", "s64": "int64_t",
	"__u8": "uint8_t", "__u16": "uint16_t", "__u32": "uint32_t", "__u64": "uint64_t",
	"__s8": "int8_t", "__s16": "int16_t", "__s32": "int32_t", "__s64": "int64_t",
	"__le16": "uint16_t", "__le32": "uint32_t", "__le64": "uint64_t",
	"__be16": "uint16_t", "__be32": "uint32_t", "__be64": "uint64_t",
	"pid_t": "int", "uid_t": "unsigned int", "gid_t": "unsigned int", "umode_t": "unsigned short",
	"loff_t": "long long", "dev_t": "uint32_t", "ino_t": "unsigned long", "sector_t": "uint64_t",
	"clockid_t": "int", "time64_t": "int64_t", "gfp_t": "unsigned int", "qid_t": "uint32_t",
	"key_serial_t": "int32_t", "aio_context_t": "unsigned long",
}

// qualifiers are dropped from type spellings: C's, and the kernel's
// address-space and checker annotations.
var qualifiers = map[string]bool{
	"const": true, "volatile": true, "restrict": true, "__restrict": true,
	"__user": true, "__kernel": true, "__iomem": true, "__percpu": true, "__rcu": true,
	"__seg_gs": true, "__seg_fs": true, "__force": true,
}

// clean drops qualifiers and normalizes spaces: "const char *" becomes
// "char *", "void __seg_gs *" becomes "void *".
func clean(text string) string {
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(text, "*", " * ")) {
		if !qualifiers[w] {
			words = append(words, w)
		}
	}
	s := strings.Join(words, " ")
	return strings.ReplaceAll(s, "* *", "**")
}

func isIntSize(n int) bool { return n == 1 || n == 2 || n == 4 || n == 8 }

func fixedInt(r *ctype.Registry, size int, signed bool) *ctype.Type {
	name := fmt.Sprintf("int%d_t", size*8)
	if !signed {
		name = "u" + name
	}
	return r.MustParse(name)
}

// recordStruct lays the fields out as a struct at their own offsets.
func recordStruct(name string, fields []TracepointField) *ctype.Type {
	st := &ctype.Type{Kind: ctype.Struct, Name: name, Align: 1}
	end := 0
	for _, f := range fields {
		st.Fields = append(st.Fields, ctype.Field{Name: f.Name, Type: f.CType, Offset: f.Offset})
		st.Align = max(st.Align, f.CType.Align)
		end = max(end, f.Offset+f.Size)
	}
	st.Size = (end + st.Align - 1) / st.Align * st.Align
	return st
}
