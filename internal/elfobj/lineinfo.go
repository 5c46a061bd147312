package elfobj

import (
	"bytes"
	"fmt"

	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// LineInfo returns a copy of insns whose line info reaches the kernel with
// file names and line numbers when cilium/ebpf loads them without an ELF
// object (ebpf.NewProgram on a hand-built ProgramSpec).
//
// cilium/ebpf v0.22.0 turns every instruction's Source() into a BTF line
// record, but only a *btf.Line keeps a file name and line number; any
// other source, such as a *source.Line, becomes a record with its String()
// as the text, no file and line 0. btf.Line has unexported fields, so the
// only way to make one is to parse line info: LineInfo encodes the records
// an object would get (where the line changes, see the package
// documentation) against a string table in raw BTF and parses them back
// with btf.LoadLineInfos. The copy has those *btf.Line values as sources at
// the records and no source elsewhere, as a program loaded from an object
// has. Other metadata is kept.
func LineInfo(insns asm.Instructions) (asm.Instructions, error) {
	if len(insns) == 0 {
		return nil, nil
	}
	recs := lineRecords(insns)
	strs := make([]string, 0, 2*len(recs))
	for _, r := range recs {
		strs = append(strs, r.file, r.text)
	}
	var b btf.Builder
	raw, err := b.Marshal(nil, &btf.MarshalOptions{Order: byteOrder})
	if err != nil {
		return nil, err
	}
	raw, offs, err := appendStrings(raw, strs)
	if err != nil {
		return nil, err
	}
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("read line strings: %w", err)
	}
	// Records in the kernel's format: offsets in instructions.
	wire := make([]byte, 0, lineInfoSize*len(recs))
	for _, r := range recs {
		if r.line > maxLine {
			return nil, fmt.Errorf("line %d of %s is beyond the %d lines line info can number", r.line, r.file, maxLine)
		}
		for _, v := range []uint32{uint32(r.off), offs[r.file], offs[r.text], r.line << lineShift} {
			wire = byteOrder.AppendUint32(wire, v)
		}
	}
	los, err := btf.LoadLineInfos(bytes.NewReader(wire), byteOrder, uint32(len(recs)), spec)
	if err != nil {
		return nil, fmt.Errorf("read line records: %w", err)
	}
	out := make(asm.Instructions, len(insns))
	for i, ins := range insns {
		out[i] = ins.WithSource(nil)
	}
	for i, lo := range los {
		j := recs[i].index
		out[j] = out[j].WithSource(lo.Line)
	}
	return out, nil
}
