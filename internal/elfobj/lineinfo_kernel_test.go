package elfobj_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// These tests load hand-built ProgramSpecs (no ELF object) to pin down
// what line and function info cilium/ebpf v0.22.0 passes to the kernel.

// loadXDP loads insns as a hand-built XDP program named name.
func loadXDP(t *testing.T, name string, insns asm.Instructions) *ebpf.Program {
	t.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: name, Type: ebpf.XDP, License: "GPL", Instructions: insns})
	if err != nil {
		t.Fatalf("NewProgram: %v", err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog
}

// xdpFunc is the BTF function `int name(struct xdp_md *ctx)`.
func xdpFunc(name string) *btf.Func {
	return &btf.Func{Name: name, Linkage: btf.GlobalFunc, Type: &btf.FuncProto{
		Return: &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed},
		Params: []btf.FuncParam{{Name: "ctx", Type: &btf.Pointer{Target: &btf.Fwd{Name: "xdp_md"}}}},
	}}
}

// kernelLines returns the kernel's line records for prog as
// "file:line:text" strings.
func kernelLines(t *testing.T, prog *ebpf.Program) []string {
	t.Helper()
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	los, err := info.LineInfos()
	if err != nil {
		t.Fatalf("line infos: %v", err)
	}
	var out []string
	for _, lo := range los {
		out = append(out, fmt.Sprintf("%d@%s:%d:%s", lo.Offset, lo.Line.FileName(), lo.Line.LineNumber(), lo.Line.Line()))
	}
	return out
}

// TestHandBuiltSourceLine shows what a *source.Line source gives without
// LineInfo: cilium/ebpf sends one record per instruction with the trimmed
// text only, no file name and line 0.
func TestHandBuiltSourceLine(t *testing.T) {
	kerneltest.Require(t)
	insns := classifyInsns()
	got := kernelLines(t, loadXDP(t, "classify", insns))
	if len(got) != len(insns) {
		t.Fatalf("%d kernel line records, want one per instruction (%d):\n%s", len(got), len(insns), strings.Join(got, "\n"))
	}
	if want := "0@:0:if #pkt < 14 then return XDP_DROP end"; got[0] != want {
		t.Errorf("record 0 is %q, want %q", got[0], want)
	}
}

// TestHandBuiltLineInfo loads the instructions LineInfo returns, with a
// function on the first: the kernel gets the func and line records an
// object would give, with file and line.
func TestHandBuiltLineInfo(t *testing.T) {
	kerneltest.Require(t)
	insns := classifyInsns()
	insns[0] = btf.WithFuncMetadata(insns[0], xdpFunc("classify"))
	insns, err := elfobj.LineInfo(insns)
	if err != nil {
		t.Fatal(err)
	}
	prog := loadXDP(t, "classify", insns)
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	if fis, err := info.FuncInfos(); err != nil || len(fis) != 1 || fis[0].Func.Name != "classify" {
		t.Errorf("kernel func info %v (%v), want classify", fis, err)
	}
	want := []string{
		"0@classify.lua:2:\tif #pkt < 14 then return XDP_DROP end",
		"6@classify.lua:3:\tlocal t = pkt.eth.type",
		"7@classify.lua:4:\tif t == 0x0800 then return XDP_PASS end",
		"8@classify.lua:5:\tif t == 0x86dd then return XDP_TX end",
		"9@classify.lua:6:\treturn XDP_DROP",
		"10@classify.lua:4:\tif t == 0x0800 then return XDP_PASS end",
		"12@classify.lua:5:\tif t == 0x86dd then return XDP_TX end",
		"13@classify.lua:6:\treturn XDP_DROP",
	}
	if g, w := strings.Join(kernelLines(t, prog), "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("kernel line records\n%s\nwant\n%s", g, w)
	}
	if ret, err := prog.Run(&ebpf.RunOptions{Data: frame(0x86dd)}); err != nil || ret != xdpTX {
		t.Errorf("classify(IPv6) = %d, %v; want %d", ret, err, xdpTX)
	}
}

// TestHandBuiltFuncInfo loads a hand-built program whose first
// instruction carries a btf.Func (btf.WithFuncMetadata) and no line info:
// the kernel accepts it, gives it BTF, and bpftool shows the function's
// full name although the kernel keeps only 15 bytes of a program's name.
func TestHandBuiltFuncInfo(t *testing.T) {
	kerneltest.Require(t)
	const name = "classify_by_ethertype"
	insns := classifyInsns()
	for i := range insns {
		insns[i] = insns[i].WithSource(nil)
	}
	insns[0] = btf.WithFuncMetadata(insns[0].WithSymbol(name), xdpFunc(name))
	prog := loadXDP(t, name, insns)
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := info.BTFID(); !ok || id == 0 {
		t.Errorf("program has no BTF (%d, %v)", id, ok)
	}
	if fis, err := info.FuncInfos(); err != nil || len(fis) != 1 || fis[0].Func.Name != name {
		t.Errorf("kernel func info %v (%v), want %s", fis, err, name)
	}
	if los, err := info.LineInfos(); err == nil && len(los) > 0 {
		t.Errorf("kernel has %d line records, want none", len(los))
	}
	id, _ := info.ID()
	var shown bpftoolProg
	out := kerneltest.RunBpftool(t, "-j", "prog", "show", "id", fmt.Sprint(id))
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Name != name || shown.BTFID == 0 {
		t.Errorf("bpftool prog show: name %q btf_id %d, want %s with BTF", shown.Name, shown.BTFID, name)
	}
	xlated := kerneltest.RunBpftool(t, "prog", "dump", "xlated", "id", fmt.Sprint(id))
	if !strings.HasPrefix(xlated, "int "+name+"(struct xdp_md * ctx):\n") {
		t.Errorf("bpftool prog dump xlated does not start with the function's prototype:\n%s", xlated)
	}
}
