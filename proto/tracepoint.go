package proto

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/ctype"
)

// TracepointFormat describes the record a tracepoint hands its programs, as its
// tracefs format file gives it: the context of tracepoint programs.
//
// BPF tracepoint programs cannot read the first 8 bytes of the record (the
// common_* header): the kernel's tp_prog_is_valid_access rejects context
// offsets below sizeof(void *). They are listed here all the same, with
// Common set, so that a script naming one gets a precise error rather than
// a spelling hint.
type TracepointFormat struct {
	Name   string            // "sched/sched_switch" as the script wrote it, or the format's name line
	ID     int               // the event id, perf_event_attr.config for PERF_TYPE_TRACEPOINT
	Fields []TracepointField // in the order of the format file, common_* first
	// Struct is the record as a C struct with the same member offsets and
	// sizes, named "struct tracepoint__CATEGORY__EVENT" as BCC names its
	// tracepoint structs. A __data_loc member has type uint32_t there;
	// TracepointField.DataLoc marks it.
	Struct *ctype.Type
}

// TracepointField is one field of a tracepoint record.
type TracepointField struct {
	Name   string // "prev_comm"
	Type   string // the C type as the format spells it, without the name: "char [16]", "pid_t", "const char *", "__data_loc char[]"
	Offset int    // bytes from the start of the record
	Size   int    // bytes; 0 for a flexible array (char buf[])
	Signed bool   // as the format says; for arrays, of the elements. The kernel builds with -funsigned-char since 6.2, so char is unsigned
	// Len is the element count of an array field (16 for char
	// prev_comm[16]); 0 for a flexible array and for non-arrays.
	Len     int
	Array   bool // an array, flexible or not
	Pointer bool // a pointer; the format does not say whether to kernel or user memory
	// DataLoc marks a dynamic field (__data_loc char[] filename): the u32
	// at Offset holds the data's length in its high 16 bits and, in its
	// low 16, the data's offset from the start of the record, or, when
	// RelLoc is set (__rel_loc), from the end of this field.
	DataLoc bool
	RelLoc  bool
	Common  bool        // a common_* field of the header every record starts with
	CType   *ctype.Type // the member's type in Struct
	// Elem is the element type of the data a DataLoc field points to
	// (char for __data_loc char[]), and nil for other fields.
	Elem *ctype.Type
}

// Field returns the field called name.
func (t *TracepointFormat) Field(name string) (TracepointField, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return TracepointField{}, false
}

// Names returns the field names, sorted, for spelling hints.
func (t *TracepointFormat) Names() []string {
	out := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}

// maxRecord bounds field offsets and sizes. Records live in one ring
// buffer page (PERF_MAX_TRACE_SIZE is 8 KiB), so anything above this is a
// damaged file, and bounding it keeps the layout arithmetic small.
const maxRecord = 1 << 16

// ParseFormat parses a tracefs format file (events/CATEGORY/EVENT/format)
// into a TracepointFormat whose Struct is laid out for arch. name, written
// "category/event", names the tracepoint in errors and in the struct's
// name; when it is "" the format's own name line is used. Errors describe
// the line of the file that is wrong; ParseFormat never panics.
func ParseFormat(name string, data []byte, arch ctype.Arch) (*TracepointFormat, error) {
	tp := &TracepointFormat{Name: name, ID: -1}
	fail := func(line int, format string, args ...any) error {
		what := "tracepoint format"
		if tp.Name != "" {
			what = "format of tracepoint '" + tp.Name + "'"
		}
		return fmt.Errorf("%s, line %d: %s", what, line, fmt.Sprintf(format, args...))
	}
	types := newFieldTypes(arch)
	seen := map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "print fmt:") {
			break // the rest is the printk format, which may span lines
		}
		key, val, _ := strings.Cut(line, ":")
		switch strings.TrimSpace(key) {
		case "name":
			if tp.Name == "" {
				tp.Name = strings.TrimSpace(val)
			}
		case "ID":
			id, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || id < 0 {
				return nil, fail(i+1, "bad event ID %q", strings.TrimSpace(val))
			}
			tp.ID = id
		case "field":
			f, err := parseField(line, types)
			if err != nil {
				return nil, fail(i+1, "%v", err)
			}
			if seen[f.Name] {
				return nil, fail(i+1, "field '%s' appears twice", f.Name)
			}
			seen[f.Name] = true
			tp.Fields = append(tp.Fields, f)
		}
	}
	if len(tp.Fields) == 0 {
		return nil, fail(1, "no fields")
	}
	tp.Struct = recordStruct(structName(tp.Name), tp.Fields)
	return tp, nil
}

// structName spells "sched/sched_switch" as "struct
// tracepoint__sched__sched_switch".
func structName(name string) string {
	return "struct tracepoint__" + strings.ReplaceAll(name, "/", "__")
}

// parseField parses one "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line.
func parseField(line string, types *fieldTypes) (TracepointField, error) {
	var f TracepointField
	var decl string
	haveOff, haveSize := false, false
	for i, part := range strings.Split(line, ";") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		var err error
		switch {
		case i == 0 && key == "field":
			decl = val
		case key == "offset":
			f.Offset, err = recordInt(val)
			haveOff = true
		case key == "size":
			f.Size, err = recordInt(val)
			haveSize = true
		case key == "signed":
			f.Signed = val == "1"
		}
		if err != nil {
			return f, fmt.Errorf("%s %q: %v", key, val, err)
		}
	}
	if !haveOff || !haveSize {
		return f, fmt.Errorf("field without offset and size")
	}
	if f.Offset+f.Size > maxRecord {
		return f, fmt.Errorf("field ends at %d, beyond any record", f.Offset+f.Size)
	}
	if err := parseDecl(&f, decl); err != nil {
		return f, err
	}
	f.Common = strings.HasPrefix(f.Name, "common_")
	return f, types.assign(&f)
}

// recordInt parses an offset or size.
func recordInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxRecord {
		return 0, fmt.Errorf("not a number from 0 to %d", maxRecord)
	}
	return n, nil
}

// parseDecl splits a declaration such as "char prev_comm[16]", "const char
// * filename" or "__data_loc char[] filename" into f's Name, Type, Array,
// Len, Pointer and DataLoc. Len is the written length; fieldTypes checks
// it against the size.
func parseDecl(f *TracepointField, decl string) error {
	d := strings.TrimSpace(decl)
	suffix := ""
	if strings.HasSuffix(d, "]") {
		open := strings.LastIndexByte(d, '[')
		if open < 0 {
			return fmt.Errorf("unbalanced ']' in %q", decl)
		}
		d, suffix = strings.TrimSpace(d[:open]), d[open+1:len(d)-1]
		f.Array = true
	}
	start := len(d)
	for start > 0 && isIdentByte(d[start-1]) {
		start--
	}
	f.Name, f.Type = d[start:], strings.TrimSpace(d[:start])
	if f.Name == "" || f.Name[0] >= '0' && f.Name[0] <= '9' || f.Type == "" {
		return fmt.Errorf("cannot find type and name in %q", decl)
	}
	for _, kw := range []string{"__data_loc", "__rel_loc"} {
		if rest, ok := strings.CutPrefix(f.Type, kw+" "); ok {
			if f.Array {
				return fmt.Errorf("dynamic field %q with an array length", decl)
			}
			f.DataLoc, f.RelLoc = true, kw == "__rel_loc"
			f.Type = kw + " " + strings.TrimSpace(rest)
		}
	}
	f.Pointer = !f.DataLoc && !f.Array && strings.HasSuffix(f.Type, "*")
	if f.Array {
		f.Type += " [" + suffix + "]"
		if suffix != "" {
			if n, err := strconv.Atoi(suffix); err == nil && n >= 0 && n <= maxRecord {
				f.Len = n
			} else {
				f.Len = -1 // not a number: fieldTypes derives it from the size
			}
		}
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
