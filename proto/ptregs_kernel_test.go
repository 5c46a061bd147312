package proto

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestPtRegsKernel loads kprobe programs (the type uprobes use too) that
// read registers: the verifier accepts every register of the host layout
// and, on x86-64, refuses the first offset past its size, so Size is the
// kernel's.
func TestPtRegsKernel(t *testing.T) {
	kerneltest.Require(t)
	p, err := HostPtRegs()
	if err != nil {
		t.Skip(err)
	}
	load := func(off int) error {
		prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
			Type:    ebpf.Kprobe,
			License: "GPL",
			Instructions: asm.Instructions{
				asm.LoadMem(asm.R0, asm.R1, int16(off), asm.DWord),
				asm.Return(),
			},
		})
		if err == nil {
			prog.Close()
		}
		return err
	}
	for _, name := range []string{"parm1", "parm6", "ret", "ip", "sp", "fp"} {
		r, _ := p.Reg(name)
		if err := load(r.Off); err != nil {
			t.Errorf("reading %s at %d: %v", name, r.Off, err)
		}
	}
	if err := load(p.Size - RegSize); err != nil {
		t.Errorf("reading the last register: %v", err)
	}
	// The verifier bounds the context by the kernel's struct pt_regs, which
	// on arm64 is longer than the user_pt_regs part scripts see.
	if p.Arch != "amd64" {
		return
	}
	if err := load(p.Size); err == nil || !strings.Contains(err.Error(), "invalid bpf_context access") {
		t.Errorf("reading past struct pt_regs (offset %d): %v, want an invalid context access", p.Size, err)
	}
}
