// Package ctype turns C declarations, as LuaJIT's ffi accepts them, into
// types with their memory layout: size, alignment, member offsets and
// bitfield positions.
//
// It sits beside the compiler pipeline: the ffi runtime module uses it to
// give cdata their layout, the front-end to type struct fields and map
// keys and values, and BTF for maps is generated from its types.
//
// # Input
//
// [Registry.Define] takes what ffi.cdef takes: struct, union and enum
// definitions, typedefs (function pointers included), function prototypes,
// extern variables and static const integers, several per string.
// [Registry.Parse] takes a type name as ffi.typeof, ffi.new and ffi.cast do,
// with `$` placeholders for LuaJIT's parameterized types and `[?]` for
// variable-length arrays. Supported: the classic and fixed-width integer
// types, bool, float, double, long double, pointers, arrays of any
// dimension, named, anonymous and nested structs and unions, anonymous
// members, bitfields (zero-width ones included), enums with constant
// expressions, __attribute__((packed)) and __attribute__((aligned(N))) on
// records, members and typedefs, qualifiers (accepted and ignored), and C
// comments. `#pragma` lines are ignored; other preprocessor lines are
// errors.
//
// # Output and invariants
//
// Layout follows GCC and clang for x86-64 (System V) and arm64 (AAPCS64)
// Linux, chosen with [Arch]; the tests check it against golden tables that
// clang generated (see internal/gen). Sizes and offsets are in bytes;
// bitfields add a bit offset (LSB first, little-endian memory) and width.
// A struct or union tag names one *Type per registry, so those compare by
// identity; everything else compares structurally with [Type.Equal], the
// way ffi.istype does. Parse and Define never panic: every problem is an
// [*Error] that says what is wrong near which token.
//
// Differences from LuaJIT: typedef names are kept in spellings
// ("uint32_t", not "unsigned int"); an anonymous struct named by a typedef
// takes the typedef's name; a struct may be defined again with the same
// body.
package ctype
