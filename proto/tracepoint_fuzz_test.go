package proto

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/luabpf/luabpf/ctype"
)

// FuzzParseFormat checks that any input ends in a description or an
// error, never a panic, and that a description is consistent: every field
// fits in a record and the struct has it at the same offset.
func FuzzParseFormat(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "tracepoint", "*.format"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("field:char s[TASK_COMM_LEN];\toffset:8;\tsize:16;\tsigned:0;\n"))
	f.Add([]byte("field:__rel_loc char[] s;\toffset:8;\tsize:4;\tsigned:0;\n"))
	f.Add([]byte("field:struct foo x;\toffset:8;\tsize:24;\tsigned:0;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tp, err := ParseFormat("fuzz/format", data, ctype.AMD64)
		if err != nil {
			return
		}
		if len(tp.Fields) == 0 || len(tp.Fields) > len(data) || len(tp.Struct.Fields) != len(tp.Fields) {
			t.Fatalf("%d fields from %d bytes, %d in the struct", len(tp.Fields), len(data), len(tp.Struct.Fields))
		}
		for i, fl := range tp.Fields {
			m := tp.Struct.Fields[i]
			if fl.Offset+fl.Size > maxRecord || m.Offset != fl.Offset || m.Type != fl.CType || fl.CType == nil {
				t.Fatalf("field %+v, member %+v", fl, m)
			}
			if fl.CType.Size != fl.Size && !fl.DataLoc && !(fl.Array && fl.Size == 0) {
				t.Fatalf("field %s: size %d but type %s of size %d", fl.Name, fl.Size, fl.CType, fl.CType.Size)
			}
			_ = fl.CType.String()
		}
		_ = tp.Struct.String()
	})
}
