package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
)

// A socket filter's packet loads (LD_ABS) are refused in XDP programs:
// loading one as XDP makes the verifier fail at the first packet read,
// and the error must name that Lua line and the verifier's reason.
func TestVerifierRejectionNamesLuaLine(t *testing.T) {
	kerneltest.Require(t)
	for _, verbose := range []bool{false, true} {
		rt := New(&Options{VerifierLog: verbose})
		script := "local bpf = require('bpf')\n" +
			"prog = bpf(function (skb)\n" +
			"\tlocal n = 0\n" +
			"\tif pkt.ip.proto == 17 then n = 1 end\n" +
			"\treturn n\n" +
			"end)\n"
		if err := rt.RunString(context.Background(), "reject.lua", script, nil); err != nil {
			t.Fatal(err)
		}
		p, err := rt.Program("prog")
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.loadAs(ebpf.XDP)
		var ce *source.CompileError
		if !errors.As(err, &ce) {
			t.Fatalf("load error %v is not a CompileError", err)
		}
		if ce.Pos.Line != 4 || !strings.Contains(ce.Msg, "kernel verifier rejected") || !strings.Contains(ce.Msg, "BPF_LD_[ABS|IND]") {
			t.Errorf("got %q at line %d; want line 4 and the verifier's reason", ce.Msg, ce.Pos.Line)
		}
		d := source.Detail(err)
		if !strings.Contains(d, "\n    if pkt.ip.proto == 17 then n = 1 end") {
			t.Errorf("detail lacks the source line:\n%s", d)
		}
		if got := strings.Contains(d, "verifier log:"); got != verbose {
			t.Errorf("verbose=%v but full log shown=%v:\n%s", verbose, got, d)
		}
		rt.Close()
	}
}

func TestDumpStringShowsInstructionsAndLines(t *testing.T) {
	kerneltest.Require(t)
	rt := New(nil)
	defer rt.Close()
	script := "local bpf = require('bpf')\n" +
		"local m = bpf.map('array', 256)\n" +
		"prog = bpf(function (skb)\n" +
		"\txadd(m[pkt.ip.proto], 1)\n" +
		"end)\n" +
		"text = bpf.dump_string(prog)\n" +
		"slots = prog.pc\n"
	if err := rt.RunString(context.Background(), "dump.lua", script, nil); err != nil {
		t.Fatal(err)
	}
	text, _ := rt.Eval("return text")
	for _, want := range []string{
		"   0: r6 = r1\t; dump.lua:4\n",
		"   1: r0 = *(u8 *)skb[23]\n",
		": call bpf_map_lookup_elem#1\n",
		": if r0 == 0 goto +2 <11>\n",
		"  12: exit\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dump lacks %q:\n%s", want, text)
		}
	}
	if slots, _ := rt.Eval("return slots"); slots != "13" {
		t.Errorf("prog.pc = %s, want 13", slots)
	}
}

func TestPerfAndStackMapsRejectIndexing(t *testing.T) {
	kerneltest.Require(t) // bpf.map creates the maps
	for _, tc := range []struct{ typ, want string }{
		{"perf_event_array", "perf_submit"},
		{"stack_trace", "stack_id"},
	} {
		rt := New(nil)
		script := "local bpf = require('bpf')\n" +
			"local m = bpf.map('" + tc.typ + "', 4)\n" +
			"prog = bpf(function (skb)\n" +
			"\treturn m[0]\n" +
			"end)\n"
		err := rt.RunString(context.Background(), "m.lua", script, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "m.lua:4: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v; want an error at m.lua:4 suggesting %s", tc.typ, err, tc.want)
		}
		rt.Close()
	}
}
