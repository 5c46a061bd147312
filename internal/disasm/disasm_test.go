package disasm

import (
	"testing"

	"github.com/cilium/ebpf/asm"
)

// insnCase is one row of the instruction tables: an instruction, the
// slot it sits at and the text Instruction must give for it.
type insnCase struct {
	name string
	ins  asm.Instruction
	slot int
	want string
}

// runInsnCases checks every row of an instruction table.
func runInsnCases(t *testing.T, cases []insnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Instruction(tc.ins, tc.slot); got != tc.want {
				t.Errorf("Instruction(%v, %d) = %q, want %q", tc.ins, tc.slot, got, tc.want)
			}
		})
	}
}

// at returns ins with its offset set, for jumps built with a label.
func at(ins asm.Instruction, off int16) asm.Instruction {
	ins.Offset = off
	return ins
}
