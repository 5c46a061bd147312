package emit

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

// TestMixedStackWrites checks which frames get the store that keeps
// Linux 6.18's verifier from failing with "verifier bug: stack slot".
func TestMixedStackWrites(t *testing.T) {
	call := func(fn asm.BuiltinFunc) asm.Instruction { return fn.Call() }
	cases := []struct {
		name  string
		insns asm.Instructions
		want  bool
	}{
		{"one narrow key store", asm.Instructions{
			storeImm(asm.R10, -4, 0, asm.Word),
			asm.Mov.Reg(asm.R2, asm.R10), asm.Add.Imm(asm.R2, -4),
			call(asm.FnMapLookupElem),
		}, false},
		{"spill and narrow store off the word boundary", asm.Instructions{
			asm.StoreMem(asm.R10, -16, asm.R0, asm.DWord),
			asm.StoreMem(asm.R10, -12, asm.R0, asm.Word),
		}, true},
		{"spills only", asm.Instructions{
			asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
			storeImm(asm.R10, -8, 7, asm.DWord),
		}, false},
		{"spill and a zeroed word", asm.Instructions{
			asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
			storeImm(asm.R10, -8, 0, asm.DWord),
		}, true},
		{"spill and a helper filling the word", asm.Instructions{
			asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
			asm.Mov.Reg(asm.R1, asm.R10), asm.Add.Imm(asm.R1, -16),
			asm.Mov.Imm(asm.R2, 16),
			call(asm.FnProbeReadKernel),
		}, true},
		{"spill and a map key in the same word", asm.Instructions{
			asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
			asm.Mov.Reg(asm.R2, asm.R10), asm.Add.Imm(asm.R2, -8),
			call(asm.FnMapLookupElem),
		}, false},
		{"spill and an atomic add", asm.Instructions{
			asm.StoreMem(asm.R10, -8, asm.R0, asm.DWord),
			asm.AddAtomic.Mem(asm.R10, asm.R1, asm.DWord, -8),
		}, true},
	}
	for _, c := range cases {
		if got := mixedStackWrites(c.insns); got != c.want {
			t.Errorf("%s: mixedStackWrites = %v, want %v", c.name, got, c.want)
		}
	}
}
