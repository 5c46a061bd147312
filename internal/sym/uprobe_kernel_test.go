package sym

import (
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// counter returns a kprobe-type program (uprobes use that type) that adds
// one to slot i of counts.
func counter(t *testing.T, counts *ebpf.Map, i int32) *ebpf.Program {
	t.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:    ebpf.Kprobe,
		License: "GPL",
		Instructions: asm.Instructions{
			asm.LoadMapPtr(asm.R1, counts.FD()),
			asm.StoreImm(asm.RFP, -4, int64(i), asm.Word),
			asm.Mov.Reg(asm.R2, asm.RFP),
			asm.Add.Imm(asm.R2, -4),
			asm.FnMapLookupElem.Call(),
			asm.JEq.Imm(asm.R0, 0, "out"),
			asm.Mov.Imm(asm.R1, 1),
			asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),
			asm.Mov.Imm(asm.R0, 0).WithSymbol("out"),
			asm.Return(),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog
}

// TestResolveUprobeAttach attaches uprobes where ResolveUprobe says, with
// cilium/ebpf, and counts the calls the test program makes: each probed
// function runs once.
func TestResolveUprobeAttach(t *testing.T) {
	kerneltest.Require(t)
	dir := t.TempDir()
	exe := buildTarget(t, dir, false)
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	syms, _ := symbolTables(f)
	f.Close()
	var mainFn uint64
	for _, s := range syms {
		if s.Name == "main_fn" {
			mainFn = s.Value
		}
	}
	pid, _, stop := startTarget(t, exe)
	specs := []string{
		exe + ":main_fn",                   // a symbol cilium/ebpf looks up
		exe + ":zero_fn",                   // a symbol without size: an address
		fmt.Sprintf("%s:%#x", exe, mainFn), // an address as nm prints it
		"libtarget.so:lib_fn",              // a library found in the process's maps
	}
	counts, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: uint32(len(specs))})
	if err != nil {
		t.Fatal(err)
	}
	defer counts.Close()
	for i, spec := range specs {
		target, err := ResolveUprobe(spec, pid)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := link.OpenExecutable(target.Path)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ex.Uprobe(target.Symbol, counter(t, counts, int32(i)), &link.UprobeOptions{
			Address: target.Address, Offset: target.Offset, PID: pid,
			TraceFSPrefix: fmt.Sprintf("%s%d", kerneltest.EventPrefix, os.Getpid()),
		})
		if err != nil {
			t.Fatalf("attach %s (%+v): %v", spec, target, err)
		}
		defer l.Close()
	}
	stop() // the program calls each function once and exits
	var got []string
	for i, spec := range specs {
		var n uint64
		if err := counts.Lookup(uint32(i), &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s: %d", strings.TrimPrefix(spec, dir+"/"), n))
	}
	want := "target:main_fn: 1, target:zero_fn: 1, target:0x" + strings.TrimLeft(hex(mainFn), "0") + ": 1, libtarget.so:lib_fn: 1"
	if s := strings.Join(got, ", "); s != want {
		t.Errorf("calls seen:\n got %s\nwant %s", s, want)
	}
}
