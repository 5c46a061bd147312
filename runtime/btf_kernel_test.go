package runtime

import (
	"fmt"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestRunningScriptShowsLuaLinesAndFields checks what bpftool, the
// ecosystem's tool, shows of a running script's program and map: the
// Lua file and line beside the instructions, and the map's entries with
// their struct fields.
func TestRunningScriptShowsLuaLinesAndFields(t *testing.T) {
	rt, prog := loadFilter(t, filterScript(`flows = bpf.map('hash', 16, ffi.typeof('struct { uint8_t proto; uint16_t len; }'), ffi.typeof('uint64_t'))`,
		`local k = ffi.new('struct { uint8_t proto; uint16_t len; }')
k.proto = pkt.ip.proto
k.len = skb.len
flows[k] = 7`))
	run(t, prog, frameUDP4, nil)
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := info.ID()
	out := kerneltest.RunBpftool(t, "prog", "dump", "xlated", "id", fmt.Sprint(id), "linum")
	for _, want := range []string{"k.proto = pkt.ip.proto [file:test.lua line_num:6", "flows[k] = 7 [file:test.lua line_num:8"} {
		if !strings.Contains(out, want) {
			t.Errorf("bpftool prog dump lacks %q:\n%s", want, out)
		}
	}
	m, err := rt.Map("flows")
	if err != nil {
		t.Fatal(err)
	}
	minfo, err := m.EBPF().Info()
	if err != nil {
		t.Fatal(err)
	}
	mid, _ := minfo.ID()
	out = kerneltest.RunBpftool(t, "map", "dump", "id", fmt.Sprint(mid))
	for _, want := range []string{`"proto": 17`, `"len": `, `"value": 7`} {
		if !strings.Contains(out, want) {
			t.Errorf("bpftool map dump lacks %q:\n%s", want, out)
		}
	}
}
