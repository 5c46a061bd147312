package disasm

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/internal/source"
)

// Options tune the rendering. A nil *Options means defaults.
type Options struct {
	// Lines, if non-nil, maps an instruction's index in the
	// asm.Instructions slice (not its slot index) to a source annotation,
	// printed after the instruction as "\t; " + annotation, e.g.
	// "sock-proto.lua:29". An empty annotation prints nothing.
	Lines func(i int) string
}

// Format renders insns, one per line, each line ending in "\n". A line is
// the instruction's slot index right-aligned in four columns, ": ", the
// instruction as [Instruction] renders it and the optional annotation
// from opts.Lines.
//
// Jumps, calls and function-pointer loads that reference a symbol and
// still carry the placeholder -1 are resolved against the symbols in
// insns first, as cilium/ebpf's Instructions.Marshal would; insns itself
// is not modified.
func Format(insns asm.Instructions, opts *Options) string {
	var b strings.Builder
	slot := 0
	for i, ins := range resolve(insns) {
		fmt.Fprintf(&b, "%4d: %s", slot, Instruction(ins, slot))
		if opts != nil && opts.Lines != nil {
			if note := opts.Lines(i); note != "" {
				b.WriteString("\t; ")
				b.WriteString(note)
			}
		}
		b.WriteByte('\n')
		slot += int(ins.Width())
	}
	return b.String()
}

// resolve returns a copy of insns in which every placeholder reference
// whose symbol is defined in insns holds its real relative offset.
// References to unknown symbols stay as they are and print by name.
func resolve(insns asm.Instructions) asm.Instructions {
	symbols := make(map[string]int)
	slot := 0
	for i := range insns {
		if sym := insns[i].Symbol(); sym != "" {
			if _, dup := symbols[sym]; !dup {
				symbols[sym] = slot
			}
		}
		slot += int(insns[i].Width())
	}

	out := make(asm.Instructions, len(insns))
	copy(out, insns)
	slot = 0
	for i := range out {
		ins := &out[i]
		if target, ok := symbols[ins.Reference()]; ok {
			switch placeholder(*ins) {
			case inConstant:
				ins.Constant = int64(target - slot - 1)
			case inOffset:
				ins.Offset = int16(target - slot - 1)
			}
		}
		slot += int(ins.Width())
	}
	return out
}

// A refField says which field of an instruction holds an unresolved
// placeholder reference.
type refField int

const (
	resolved   refField = iota // no placeholder
	inConstant                 // Constant == -1: calls, gotol, function pointers
	inOffset                   // Offset == -1: goto and conditional jumps
)

// placeholder reports where ins holds an unresolved symbolic reference,
// following the rules of cilium/ebpf's encodeFunctionReferences.
func placeholder(ins asm.Instruction) refField {
	if ins.Reference() == "" {
		return resolved
	}
	op := ins.OpCode
	switch {
	case ins.IsFunctionReference() || op == gotol:
		if ins.Constant == -1 {
			return inConstant
		}
	case op.Class().IsJump() && !ins.IsBuiltinCall() && !ins.IsKfuncCall():
		if ins.Offset == -1 {
			return inOffset
		}
	}
	return resolved
}

// Slots returns the length of insns in 8-byte instruction slots, the
// kernel's instruction numbering.
func Slots(insns asm.Instructions) int {
	n := 0
	for _, ins := range insns {
		n += int(ins.Width())
	}
	return n
}

// Program renders a compiled program as bpf.dump prints it: Format with
// the Lua file:line of each instruction (its *source.Line) where the line
// changes.
func Program(insns asm.Instructions) string {
	last := source.Pos{}
	return Format(insns, &Options{Lines: func(i int) string {
		l, ok := insns[i].Source().(*source.Line)
		if !ok || l.Pos == last {
			return ""
		}
		last = l.Pos
		return l.Pos.String()
	}})
}
