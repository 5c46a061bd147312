package elfobj

import (
	"debug/elf"
	"encoding/binary"
)

// strtab builds an ELF string table: NUL-terminated names after a leading
// NUL, each stored once.
type strtab struct {
	data []byte
	offs map[string]uint32
}

func newStrtab() *strtab { return &strtab{data: []byte{0}, offs: map[string]uint32{"": 0}} }

func (t *strtab) add(s string) uint32 {
	if off, ok := t.offs[s]; ok {
		return off
	}
	off := uint32(len(t.data))
	t.data = append(append(t.data, s...), 0)
	t.offs[s] = off
	return off
}

// symbol is an entry of .symtab before its name is in a string table.
type symbol struct {
	name        string
	typ         elf.SymType
	section     int
	value, size uint64
}

// symbols lists the object's symbols, all global: each program as a
// function in its section, each map as an object in .maps (libbpf finds
// map definitions by these), and _license. It returns them with the
// symbol table index of each map's symbol.
func symbols(obj *Object, code []*progSection, ob *objectBTF, progSec []int, mapsSec, licenseSec int) ([]symbol, map[string]uint32) {
	var syms []symbol
	for i, sec := range code {
		for _, f := range sec.funcs {
			syms = append(syms, symbol{obj.Programs[f.prog].Name, elf.STT_FUNC, progSec[i], f.off, f.size})
		}
	}
	mapSym := map[string]uint32{}
	for i, m := range obj.Maps {
		mapSym[m.Name] = uint32(len(syms) + 1) // index 0 is the null symbol
		syms = append(syms, symbol{m.Name, elf.STT_OBJECT, mapsSec, uint64(ob.mapOffs[i]), uint64(ob.mapSizes[i])})
	}
	syms = append(syms, symbol{"_license", elf.STT_OBJECT, licenseSec, 0, uint64(len(obj.License) + 1)})
	return syms, mapSym
}

// encodeSymtab encodes syms after the null symbol, naming them in names.
func encodeSymtab(syms []symbol, names *strtab) []byte {
	out := make([]byte, elf.Sym64Size, elf.Sym64Size*(len(syms)+1))
	for _, s := range syms {
		out, _ = binary.Append(out, byteOrder, elf.Sym64{
			Name:  names.add(s.name),
			Info:  elf.ST_INFO(elf.STB_GLOBAL, s.typ),
			Other: uint8(elf.STV_DEFAULT),
			Shndx: uint16(s.section),
			Value: s.value,
			Size:  s.size,
		})
	}
	return out
}

// rBPF64_64 is R_BPF_64_64, the relocation of a 64-bit immediate
// (Documentation/bpf/llvm_reloc.rst); debug/elf names no BPF relocations.
const rBPF64_64 = 1

// encodeRelocs encodes a program section's map relocations as Elf64_Rel
// entries of type R_BPF_64_64, which libbpf and cilium/ebpf expect on the
// ld_imm64 of a map load.
func encodeRelocs(relocs []reloc, mapSym map[string]uint32) []byte {
	var out []byte
	for _, r := range relocs {
		out, _ = binary.Append(out, byteOrder, elf.Rel64{
			Off:  r.off,
			Info: elf.R_INFO(mapSym[r.mapName], rBPF64_64),
		})
	}
	return out
}
