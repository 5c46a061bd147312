package elfobj

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// Sizes of the ELF-64 file header and section header.
const (
	ehdrSize = 64
	shdrSize = 64
)

// section is one ELF section before it is placed in the file.
type section struct {
	name    string
	typ     elf.SectionType
	flags   elf.SectionFlag
	data    []byte
	link    uint32
	info    uint32
	align   uint64
	entsize uint64
}

// writeELF lays out the sections in the order clang uses for BPF objects
// (see the package documentation) and writes header, section contents and
// section header table to w.
func writeELF(w *bytes.Buffer, obj *Object, code []*progSection, ob *objectBTF) error {
	ext, err := buildBTFExt(code, ob)
	if err != nil {
		return err
	}
	// Index 0 is the null section; every index is fixed before the symbol
	// table and relocations, which refer to sections, are encoded.
	secs := []*section{{}}
	add := func(s *section) int {
		secs = append(secs, s)
		return len(secs) - 1
	}
	alloc := elf.SHF_ALLOC | elf.SHF_WRITE
	strIdx := add(&section{name: ".strtab", typ: elf.SHT_STRTAB, align: 1})
	progSec := make([]int, len(code))
	var rels []*section
	for i, sec := range code {
		progSec[i] = add(&section{name: sec.name, typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, data: sec.code, align: 8})
		if len(sec.relocs) > 0 {
			rel := &section{name: ".rel" + sec.name, typ: elf.SHT_REL, flags: elf.SHF_INFO_LINK,
				info: uint32(progSec[i]), align: 8, entsize: 16}
			add(rel)
			rels = append(rels, rel)
		}
	}
	licenseIdx := add(&section{name: "license", typ: elf.SHT_PROGBITS, flags: alloc, data: append([]byte(obj.License), 0), align: 1})
	mapsIdx := 0
	if len(obj.Maps) > 0 {
		mapsIdx = add(&section{name: ".maps", typ: elf.SHT_PROGBITS, flags: alloc, data: make([]byte, ob.mapsSize), align: 8})
	}
	add(&section{name: ".BTF", typ: elf.SHT_PROGBITS, data: ob.raw, align: 4})
	add(&section{name: ".BTF.ext", typ: elf.SHT_PROGBITS, data: ext, align: 4})
	symtab := &section{name: ".symtab", typ: elf.SHT_SYMTAB, link: uint32(strIdx), info: 1, align: 8, entsize: elf.Sym64Size}
	symIdx := add(symtab)

	names := newStrtab()
	syms, mapSym := symbols(obj, code, ob, progSec, mapsIdx, licenseIdx)
	symtab.data = encodeSymtab(syms, names)
	r := 0
	for _, sec := range code {
		if len(sec.relocs) > 0 {
			rels[r].link = uint32(symIdx)
			rels[r].data = encodeRelocs(sec.relocs, mapSym)
			r++
		}
	}
	nameOffs := make([]uint32, len(secs))
	for i, s := range secs[1:] {
		nameOffs[i+1] = names.add(s.name)
	}
	secs[strIdx].data = names.data
	return writeSections(w, secs, nameOffs, uint16(strIdx))
}

// writeSections writes the ELF header, each section's contents at its
// alignment, and the section header table.
func writeSections(w *bytes.Buffer, secs []*section, nameOffs []uint32, shstrndx uint16) error {
	headers := make([]elf.Section64, len(secs))
	off := uint64(ehdrSize)
	for i, s := range secs[1:] {
		off = alignUp(off, s.align)
		headers[i+1] = elf.Section64{
			Name: nameOffs[i+1], Type: uint32(s.typ), Flags: uint64(s.flags),
			Off: off, Size: uint64(len(s.data)), Link: s.link, Info: s.info,
			Addralign: s.align, Entsize: s.entsize,
		}
		off += uint64(len(s.data))
	}
	shoff := alignUp(off, 8)
	data := elf.ELFDATA2LSB
	if byteOrder.Uint16([]byte{0, 1}) == 1 {
		data = elf.ELFDATA2MSB
	}
	hdr := elf.Header64{
		Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_BPF), Version: uint32(elf.EV_CURRENT),
		Shoff: shoff, Ehsize: ehdrSize, Shentsize: shdrSize,
		Shnum: uint16(len(secs)), Shstrndx: shstrndx,
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(data)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	hdr.Ident[elf.EI_OSABI] = byte(elf.ELFOSABI_NONE)
	if err := binary.Write(w, byteOrder, &hdr); err != nil {
		return err
	}
	for i, s := range secs[1:] {
		pad(w, headers[i+1].Off)
		w.Write(s.data)
	}
	pad(w, shoff)
	return binary.Write(w, byteOrder, headers)
}

// pad writes zeroes up to offset off.
func pad(w *bytes.Buffer, off uint64) {
	for uint64(w.Len()) < off {
		w.WriteByte(0)
	}
}

func alignUp(n, a uint64) uint64 {
	if a <= 1 {
		return n
	}
	return (n + a - 1) / a * a
}
