package elfobj

import (
	"fmt"
)

// Sizes of the .BTF.ext structures (kernel: struct btf_ext_header, struct
// bpf_func_info, struct bpf_line_info).
const (
	// btfExtHeaderLen includes the CO-RE relocation fields, which stay
	// empty. clang always writes them, and cilium/ebpf v0.22.0 reads them
	// whatever hdr_len says, so a shorter header would be misread.
	btfExtHeaderLen = 32
	funcInfoSize    = 8
	lineInfoSize    = 16
	// A line_col holds the line number above the low 10 bits (the column).
	lineShift = 10
	maxLine   = 1<<(32-lineShift) - 1
)

// buildBTFExt encodes func info (one record per program: its offset and
// FUNC) and line info for every program section. Offsets are in bytes
// from the section start; section names are BTF strings.
//
// Neither part is ever empty: every program has a func record and a line
// record at its first instruction. That matters beyond the kernel's rule
// that each function starts with a line record: cilium/ebpf cannot read an
// empty part, and libbpf ignores the whole .BTF.ext when a part has a
// record size but no records.
func buildBTFExt(code []*progSection, ob *objectBTF) ([]byte, error) {
	funcs := u32s(funcInfoSize)
	lines := u32s(lineInfoSize)
	for _, sec := range code {
		name := ob.strs[sec.name]
		funcs = append(funcs, name, uint32(len(sec.funcs)))
		for _, f := range sec.funcs {
			funcs = append(funcs, uint32(f.off), uint32(ob.funcs[f.prog]))
		}
		lines = append(lines, name, uint32(len(sec.lines)))
		for _, l := range sec.lines {
			if l.line > maxLine {
				return nil, fmt.Errorf("line %d of %s is beyond the %d lines line info can number", l.line, l.file, maxLine)
			}
			lines = append(lines, uint32(l.off), ob.strs[l.file], ob.strs[l.text], l.line<<lineShift)
		}
	}
	funcLen, lineLen := uint32(4*len(funcs)), uint32(4*len(lines))
	out := make([]byte, 0, btfExtHeaderLen+funcLen+lineLen)
	out = byteOrder.AppendUint16(out, 0xeb9f) // magic
	out = append(out, 1, 0)                   // version, flags
	for _, v := range []uint32{
		btfExtHeaderLen,
		0, funcLen, // func info offset and length, from the end of the header
		funcLen, lineLen, // line info
		funcLen + lineLen, 0, // CO-RE relocations: none
	} {
		out = byteOrder.AppendUint32(out, v)
	}
	for _, v := range append(funcs, lines...) {
		out = byteOrder.AppendUint32(out, v)
	}
	return out, nil
}

func u32s(vs ...uint32) []uint32 { return vs }
