package disasm

import (
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name  string
		insns asm.Instructions
		lines func(int) string
		want  string
	}{
		{
			name:  "empty",
			insns: nil,
			want:  "",
		},
		{
			name: "ld_imm64 takes two slots",
			insns: asm.Instructions{
				asm.LoadImm(asm.R0, 0x123456789, asm.DWord),
				asm.LoadMapPtr(asm.R1, 0).WithReference("counts"),
				asm.Return(),
			},
			want: "   0: r0 = 0x123456789 ll\n" +
				"   2: r1 = map[counts] ll\n" +
				"   4: exit\n",
		},
		{
			name: "annotations by slice index",
			insns: asm.Instructions{
				asm.LoadImm(asm.R0, 1, asm.DWord),
				asm.Mov.Imm(asm.R0, 0),
				asm.Return(),
			},
			lines: func(i int) string {
				return []string{"a.lua:1", "a.lua:2", ""}[i]
			},
			want: "   0: r0 = 1 ll\t; a.lua:1\n" +
				"   2: r0 = 0\t; a.lua:2\n" +
				"   3: exit\n",
		},
		{
			name: "jumps resolve against symbols",
			insns: asm.Instructions{
				asm.Mov.Imm(asm.R0, 0).WithSymbol("top"),
				asm.JEq.Imm(asm.R1, 0, "out"),
				asm.LoadImm(asm.R2, 1, asm.DWord),
				asm.JGT.Imm32(asm.R2, 5, "top"),
				asm.LongJump("out"),
				asm.Ja.Label("top"),
				asm.Return().WithSymbol("out"),
			},
			want: "   0: r0 = 0\n" +
				"   1: if r1 == 0 goto +5 <7>\n" +
				"   2: r2 = 1 ll\n" +
				"   4: if w2 > 5 goto -5 <0>\n" +
				"   5: gotol +1 <7>\n" +
				"   6: goto -7 <0>\n" +
				"   7: exit\n",
		},
		{
			name: "calls and function pointers resolve",
			insns: asm.Instructions{
				asm.Call.Label("sub"),
				asm.Instruction{OpCode: asm.LoadImmOp(asm.DWord), Dst: asm.R2, Src: asm.PseudoFunc, Constant: -1}.WithReference("sub"),
				asm.Return(),
				asm.Mov.Imm(asm.R0, 1).WithSymbol("sub"),
				asm.Return(),
			},
			want: "   0: call pc+3 <4>\n" +
				"   1: r2 = func pc+2 ll <4>\n" +
				"   3: exit\n" +
				"   4: r0 = 1\n" +
				"   5: exit\n",
		},
		{
			name: "unknown symbols print by name",
			insns: asm.Instructions{
				asm.JEq.Imm(asm.R0, 0, "nowhere"),
				asm.Return(),
			},
			want: "   0: if r0 == 0 goto <nowhere>\n" +
				"   1: exit\n",
		},
		{
			name: "resolved jumps keep their offsets",
			insns: asm.Instructions{
				at(asm.JEq.Imm(asm.R0, 0, "out"), 0),
				asm.Return().WithSymbol("out"),
			},
			want: "   0: if r0 == 0 goto +0 <1>\n" +
				"   1: exit\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Format(tc.insns, &Options{Lines: tc.lines})
			if got != tc.want {
				t.Errorf("Format() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestFormatNilOptions(t *testing.T) {
	insns := asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}
	if got, want := Format(insns, nil), "   0: r0 = 0\n   1: exit\n"; got != want {
		t.Errorf("Format(nil options) = %q, want %q", got, want)
	}
}

func TestFormatLeavesInputAlone(t *testing.T) {
	insns := asm.Instructions{
		asm.JEq.Imm(asm.R0, 0, "out"),
		asm.Call.Label("out"),
		asm.Return().WithSymbol("out"),
	}
	Format(insns, nil)
	if insns[0].Offset != -1 || insns[1].Constant != -1 {
		t.Errorf("Format modified its input: offset %d, constant %d", insns[0].Offset, insns[1].Constant)
	}
}

func TestFormatWideIndex(t *testing.T) {
	insns := make(asm.Instructions, 10001)
	for i := range insns {
		insns[i] = asm.Mov.Imm(asm.R0, 0)
	}
	lines := strings.Split(Format(insns, nil), "\n")
	if got, want := lines[9999], "9999: r0 = 0"; got != want {
		t.Errorf("line 9999 = %q, want %q", got, want)
	}
	if got, want := lines[10000], "10000: r0 = 0"; got != want {
		t.Errorf("line 10000 = %q, want %q", got, want)
	}
}
