// Package ffi is the Lua `ffi` module for gopher-lua, the subset of
// LuaJIT's FFI that luabpf scripts use, plus LuaJIT's `bit` module.
//
// It belongs to the userspace runtime: scripts declare C types with
// ffi.cdef, make map keys and values with ffi.new and ffi.typeof, read
// them back with field access, ffi.string and tonumber, and print 64-bit
// counters. Types and layouts come from package ctype; this package gives
// them Lua behaviour.
//
// # Values
//
// A cdata is a gopher-lua userdata whose Value is a *CData: a C type and
// the bytes of one value of it, little-endian. A ctype (what ffi.typeof
// returns) is a userdata holding a *CType; calling it is ffi.new. Reading a
// field or element converts as LuaJIT does (see [Module.ToLua]): small
// integers and floats become numbers, 64-bit integers stay exact as boxed
// cdata, and structs, unions and arrays come back as cdata sharing the
// parent's memory, so `s.inner.x = 1` writes through. Assignment converts
// the other way (see [Module.FromLua]).
//
// Pointers hold an address. A pointer made from Go memory (ffi.cast of a
// cdata or a string, pointer arithmetic on one, an array decaying) also
// keeps that memory and can be indexed with bounds checks. A pointer made
// from a number, or read back from a struct field, is only an address:
// dereferencing it is an error, never a crash. Out-of-range indices,
// unknown members and impossible conversions are Lua errors.
//
// # Module table
//
// new, typeof, cast, string, copy, fill, sizeof, alignof, offsetof,
// istype, cdef, abi, errno, gc (returns its argument; no finalizers run),
// os ("Linux"), arch ("x64" or "arm64") and C. ffi.C offers only functions
// implemented in Go (strtoull, strtoll, strtoul, strtol, atoi, atol,
// strlen, strcmp, getpid, getppid, getuid, geteuid, getgid, getegid) and
// only after the script declared them with ffi.cdef, as LuaJIT requires;
// other names raise an error that lists what is available. It also reads
// enum constants and static const values. ffi.metatype and ffi.load raise
// errors.
//
// Open also replaces the globals tostring (64-bit integers print as
// "123ULL" / "-5LL", other cdata as "cdata<T>: 0x...") and tonumber
// (numeric cdata give numbers; pointers and aggregates give nil, as in
// LuaJIT) and string.format (numeric cdata format as their value with
// %d, %x and the like, exactly for 64-bit integers, and any cdata as its
// tostring with %s), and installs `bit` as a global and in
// package.preload.
//
// # Arithmetic
//
// As in LuaJIT, + - * / % ^ and unary minus on numeric cdata are 64-bit
// integer operations with a boxed int64_t result (uint64_t if either side
// is a uint64_t); pointer ± integer and pointer - pointer are pointer
// arithmetic. `..` with a cdata raises LuaJIT's "attempt to concatenate"
// error.
//
// # Differences from LuaJIT
//
// gopher-lua calls __eq only when both operands are userdata, and __lt and
// __le only when both are userdata with the same metamethod. So cdata
// compare with cdata exactly (64-bit), but `ffi.new('uint64_t', 1) == 1`
// is false and `cdata < 1` raises "attempt to compare userdata with
// number"; compare tonumber(c) with numbers, or build the number as
// cdata. A NULL pointer is not == nil. type(c) is "userdata", not "cdata".
// `#` gives the length of an array cdata (LuaJIT has no length for cdata)
// and fails for others. ffi.string, ffi.copy and ffi.fill check bounds
// instead of reading or writing past the memory. long double is stored as
// a double. Type names print with their typedef names ("uint32_t", not
// "unsigned int").
package ffi
