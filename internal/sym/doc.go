// Package sym turns addresses into names and names into places, for the
// tracing side of luabpf:
//
//   - kernel symbols from /proc/kallsyms: [Ksym] spells a kernel address
//     (a stack trace entry, an instruction pointer) as "name+0xoff";
//   - user symbols from the ELF symbol tables (.symtab and .dynsym) of the
//     files a process maps: [Resolver.Usym] spells an address in a process
//     as "name+0xoff", or "file+0xoff" where no symbol covers it;
//   - uprobe targets: [ParseUprobe] reads the original's
//     '/path/to/binary:symbol' and the shorter forms ('c:malloc',
//     'libc.so.6:malloc', 'bash:readline', 'readline+4', '/bin/bash:0x1234'),
//     and [ResolveUprobe] finds the file the way the dynamic loader (or the
//     shell, for programs) would and checks the symbol exists, so the
//     runtime can hand the result to cilium/ebpf's link.OpenExecutable and
//     Executable.Uprobe.
//
// # Addresses in files
//
// A process maps parts of an ELF file at some address; /proc/PID/maps
// gives the mapping's start and its offset in the file. Symbol values are
// virtual addresses of the file's own layout. An address in a process
// becomes a file offset (address - start + mapping offset) and then a
// virtual address through the PT_LOAD segment holding that offset
// (offset - p_offset + p_vaddr), which works for executables, PIE
// executables and shared libraries alike. Uprobes go the other way: they
// are placed at file offsets, which is what cilium/ebpf computes from a
// symbol and what UprobeTarget.Address holds when the script gives an
// address.
//
// Results are deterministic: where several symbols share an address, the
// global one with the fewest leading underscores, then the first in
// alphabetical order, names it.
package sym
