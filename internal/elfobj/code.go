package elfobj

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/internal/source"
)

// progSection is one ELF program section: its programs' instructions back
// to back, and what the other sections say about them. All offsets are in
// bytes from the start of the section, as ELF and .BTF.ext count them.
type progSection struct {
	name   string
	code   []byte
	funcs  []funcSym
	relocs []reloc
	lines  []lineRecord
}

// funcSym is a program's place in its section.
type funcSym struct {
	prog      int // index in Object.Programs
	off, size uint64
}

// reloc is a map load the loader must point at a map.
type reloc struct {
	off     uint64
	mapName string
}

// lineRecord is one line-info record: from off on, instructions come from
// line of file, whose text is text.
type lineRecord struct {
	off        uint64
	index      int // of the instruction at off in its program
	file, text string
	line       uint32
}

// layoutCode groups the programs by section, in the order the sections
// first appear, and encodes their instructions.
func layoutCode(obj *Object) ([]*progSection, error) {
	maps := map[string]bool{}
	for _, m := range obj.Maps {
		maps[m.Name] = true
	}
	var secs []*progSection
	byName := map[string]*progSection{}
	for i := range obj.Programs {
		p := &obj.Programs[i]
		sec := byName[p.Section]
		if sec == nil {
			sec = &progSection{name: p.Section}
			byName[p.Section] = sec
			secs = append(secs, sec)
		}
		if err := sec.add(i, p, maps); err != nil {
			return nil, fmt.Errorf("program %s: %w", p.Name, err)
		}
	}
	return secs, nil
}

// add appends program i to the section: it resolves symbolic jumps
// (asm.Instructions.Marshal does), zeroes map loads and records their
// relocations, and records line info.
func (sec *progSection) add(i int, p *Program, maps map[string]bool) error {
	insns := make(asm.Instructions, len(p.Insns))
	copy(insns, p.Insns) // Marshal writes resolved offsets into the slice
	if sym := insns[0].Symbol(); sym != "" && sym != p.Name {
		return fmt.Errorf("instruction 0 has symbol %q, not the program's name", sym)
	}
	insns[0] = insns[0].WithSymbol(p.Name)
	base := uint64(len(sec.code))
	for iter := insns.Iterate(); iter.Next(); {
		ins, off := iter.Ins, base+iter.Offset.Bytes()
		if err := sec.reference(ins, off, maps); err != nil {
			return fmt.Errorf("instruction %d (%v): %w", iter.Index, *ins, err)
		}
	}
	for _, l := range lineRecords(insns) {
		l.off = base + asm.RawInstructionOffset(l.off).Bytes()
		sec.lines = append(sec.lines, l)
	}
	var buf bytes.Buffer
	if err := insns.Marshal(&buf, byteOrder); err != nil {
		return err
	}
	sec.code = append(sec.code, buf.Bytes()...)
	sec.funcs = append(sec.funcs, funcSym{prog: i, off: base, size: uint64(buf.Len())})
	return nil
}

// reference checks what ins refers to. A map load becomes a relocation
// and gets imm 0, as clang writes it; jumps to labels are left for
// Marshal; anything else that leaves the program is not supported.
func (sec *progSection) reference(ins *asm.Instruction, off uint64, maps map[string]bool) error {
	switch {
	case ins.IsLoadFromMap():
		if ins.Src == asm.PseudoMapValue {
			return fmt.Errorf("direct loads from map values are not supported")
		}
		if ins.Map() != nil {
			return fmt.Errorf("map load is bound to a loaded map, not to a map name")
		}
		name := ins.Reference()
		if name == "" {
			return fmt.Errorf("map load without a map name")
		}
		if !maps[name] {
			return fmt.Errorf("map load refers to map %q, which the object does not define", name)
		}
		ins.Constant = 0
		sec.relocs = append(sec.relocs, reloc{off: off, mapName: name})
	case ins.IsFunctionReference() || ins.IsKfuncCall():
		return fmt.Errorf("calls to other BPF functions are not supported")
	case ins.Reference() != "" && !ins.OpCode.Class().IsJump():
		return fmt.Errorf("refers to %q, which is neither a map nor a jump label", ins.Reference())
	}
	return nil
}

// lineRecords returns the line records of a program: one at the first
// instruction (an empty one when it has no source) and one wherever an
// instruction's source differs from the line before. An instruction
// without a source continues the line before it. Offsets are raw
// instruction offsets; the index field is the instruction's index.
func lineRecords(insns asm.Instructions) []lineRecord {
	var recs []lineRecord
	var prev lineRecord
	for iter := insns.Iterate(); iter.Next(); {
		src := iter.Ins.Source()
		if iter.Index > 0 && src == nil {
			continue // the previous line goes on
		}
		rec := lineOf(src)
		rec.off, rec.index = uint64(iter.Offset), iter.Index
		if iter.Index == 0 || rec.file != prev.file || rec.line != prev.line || rec.text != prev.text {
			recs = append(recs, rec)
			prev = rec
		}
	}
	return recs
}

// lineOf reads an instruction's source: a *source.Line from the compiler,
// a *btf.Line from a loaded object, or any other text (file unknown, line
// 0); nil gives an empty record.
func lineOf(src fmt.Stringer) lineRecord {
	switch s := src.(type) {
	case nil:
		return lineRecord{}
	case *source.Line:
		return lineRecord{file: s.File, text: s.Text, line: uint32(max(s.Line, 0))}
	case *btf.Line:
		return lineRecord{file: s.FileName(), text: s.Line(), line: s.LineNumber()}
	}
	return lineRecord{text: strings.TrimRight(src.String(), "\n")}
}
