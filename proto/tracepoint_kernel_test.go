package proto

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/tracefs"
)

// TestParseFormatAllKernel parses every tracepoint format of this kernel.
func TestParseFormatAllKernel(t *testing.T) {
	kerneltest.Require(t)
	dir, err := tracefs.Mount()
	if err != nil {
		t.Fatal(err)
	}
	names, err := tracefs.Tracepoints()
	if err != nil {
		t.Fatal(err)
	}
	dataLocs := 0
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, "events", name, "format"))
		if err != nil {
			t.Fatal(err)
		}
		tp, err := ParseFormat(name, data, ctype.HostArch())
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if want := strings.Count(string(data), "\tfield:"); len(tp.Fields) != want {
			t.Errorf("%s: %d fields, the file has %d", name, len(tp.Fields), want)
		}
		for _, f := range tp.Fields {
			if f.DataLoc {
				dataLocs++
			}
		}
	}
	if len(names) < 100 || dataLocs == 0 {
		t.Errorf("only %d tracepoints, %d __data_loc fields", len(names), dataLocs)
	}
	t.Logf("%d tracepoints, %d __data_loc fields", len(names), dataLocs)
}

// TestTracepointContextAccess loads tracepoint programs that read a field
// at the offset ParseFormat gives: the verifier takes a field of the
// event, and refuses the common_* header, as the TracepointFormat doc says.
func TestTracepointContextAccess(t *testing.T) {
	kerneltest.Require(t)
	data, err := tracefs.ReadFormat("sched/sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := ParseFormat("sched/sched_switch", data, ctype.HostArch())
	if err != nil {
		t.Fatal(err)
	}
	load := func(field string) error {
		f, ok := tp.Field(field)
		if !ok || f.Size != 4 {
			t.Fatalf("no 4-byte field %s", field)
		}
		prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
			Type:    ebpf.TracePoint,
			License: "GPL",
			Instructions: asm.Instructions{
				asm.LoadMem(asm.R0, asm.R1, int16(f.Offset), asm.Word),
				asm.Return(),
			},
		})
		if err == nil {
			prog.Close()
		}
		return err
	}
	if err := load("next_pid"); err != nil {
		t.Errorf("reading next_pid: %v", err)
	}
	if err := load("common_pid"); err == nil || !strings.Contains(err.Error(), "invalid bpf_context access") {
		t.Errorf("reading common_pid: %v, want an invalid context access", err)
	}
}
