// Package elfobj writes BPF programs and their maps as a relocatable ELF
// object, the file `luabpf compile` produces and that libbpf, bpftool
// (`bpftool prog loadall`) and cilium/ebpf (LoadCollectionSpec) load.
//
// # Input
//
// An [Object] is a license, programs and maps, all in cilium/ebpf's terms:
// a [Program]'s instructions are asm.Instructions whose map loads name
// their map (asm.LoadMapPtr(dst, 0).WithReference(name)), whose jumps may
// be symbolic (Offset -1 and a Reference to a label Symbol), and whose
// Source() may be a *source.Line (the Lua file:line each instruction came
// from); a [Map]'s key and value are btf.Types (package ctype converts C
// types). Nothing here knows Lua or program kinds: the caller chooses the
// ELF section name, which is what tells loaders the program type.
//
// # Output
//
// The object is EM_BPF, ELFCLASS64, in the host's byte order, laid out as
// clang lays out BPF objects:
//
//	.strtab          symbol and section names
//	<section>        one per program section: instructions, jumps resolved,
//	                 map loads with imm 0
//	.rel<section>    R_BPF_64_64 relocations of the map loads against map
//	                 symbols
//	license          the license string, symbol _license
//	.maps            zeroes: one BTF-defined map definition per map
//	.BTF             types and strings: map definitions (a DATASEC ".maps"
//	                 of VARs), one FUNC per program, line-info strings
//	.BTF.ext         func info and line info per program section
//	.symtab          programs (STT_FUNC), maps and _license (STT_OBJECT)
//
// Map definitions follow libbpf's convention for BTF-defined maps: each map
// is a global variable of an anonymous struct whose members are pointers,
// `int (*type)[BPF_MAP_TYPE_HASH]`, `struct key *key`, `int
// (*max_entries)[1024]` and so on, so the numbers are array lengths and the
// key and value are the pointed-to types. Line info has one record per
// instruction whose Lua line differs from the previous instruction's (and
// one at each program's first instruction, which the kernel requires),
// naming the file, the line's text and its number, with column 0.
//
// # Line info without an object
//
// [LineInfo] gives a hand-built ebpf.ProgramSpec the same line info,
// for `luabpf run`, which loads programs without writing an object:
// cilium/ebpf v0.22.0 passes an instruction's source to the kernel with
// file name and line number only when it is a *btf.Line, whose fields are
// unexported, so LineInfo makes those by parsing records it encodes. Other
// sources reach the kernel as text only (no file, line 0, one record per
// instruction). Measured on a 50-instruction program (BenchmarkLineInfo,
// BenchmarkObjectRoundTrip), LineInfo costs a small fraction of what
// writing an object and parsing it back with LoadCollectionSpecFromReader
// does, and both are of the order of the kernel's load and verification
// of the program (BenchmarkNewProgram).
//
// # Invariants
//
// Write is deterministic: the same Object gives the same bytes. It does not
// modify the Object. Each program is one function; calls to other BPF
// functions (bpf-to-bpf calls) and direct loads from map values are not
// supported yet and are reported as errors.
//
// References: the ELF-64 object file format (System V gABI), the kernel's
// Documentation/bpf/btf.rst (BTF and .BTF.ext encodings) and
// Documentation/bpf/llvm_reloc.rst (R_BPF_64_64), libbpf's BTF-defined map
// parsing (parse_btf_map_def), and cilium/ebpf's elf_reader.go, which the
// tests load the output with.
package elfobj
