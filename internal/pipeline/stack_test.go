package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// A function keeping more values alive than registers and stack can hold
// fails with an error that says spilled values fill the stack (not
// ffi.new objects, which it has none of) at the line of a value that was
// spilled, not at the function's first line.
func TestStackErrorNamesSpills(t *testing.T) {
	var b strings.Builder
	b.WriteString("local f = function (skb)\n\tlocal d = pkt.ip.udp.data\n")
	const n = 80
	for i := range n {
		fmt.Fprintf(&b, "\tlocal a%d = d[%d]\n", i, i)
	}
	b.WriteString("\treturn a0")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, " + a%d", i)
	}
	b.WriteString("\nend\n")
	for _, noOpt := range []bool{false, true} {
		fn, err := parseFirst("spill.lua", b.String())
		if err != nil {
			t.Fatal(err)
		}
		_, err = Compile(fn, &Options{Kind: proto.SocketFilter, Env: newEnv(t), NoOptimize: noOpt})
		if err == nil {
			t.Fatalf("noopt=%v: %d values alive at once compiled", noOpt, n)
		}
		ce, ok := err.(*source.CompileError)
		if !ok {
			t.Fatalf("noopt=%v: %T %v, want a compile error", noOpt, err, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, "values that did not fit in registers") || strings.Contains(msg, "ffi.new") {
			t.Errorf("noopt=%v: %q does not blame the spilled values alone", noOpt, msg)
		}
		if ce.Pos.Line < 3 || ce.Pos.Line > n+2 {
			t.Errorf("noopt=%v: error at line %d, want the line of one of the locals (3-%d): %s", noOpt, ce.Pos.Line, n+2, msg)
		}
	}
}
