// Package frontend is the first stage of the compiler: it turns a Lua file
// into syntax trees (gopher-lua's parser), finds the function a script
// handed to bpf(), and resolves the names in it: which identifiers are the
// function's own locals and parameters, and which are free (upvalues and
// globals, whose values the caller supplies as compile-time Values).
//
// It also rejects, with a message that says what to write instead, the
// constructs kernel code cannot have at all: closures, varargs, unbounded
// loops, table constructors, goto. Everything type-related is left to the
// next stage (irgen), which knows the values the free names hold.
//
// Before parsing, a Lua-token scan rewrites LuaJIT's 64-bit literals
// (5ULL, 0xffLL), which gopher-lua's lexer rejects, into calls of the
// reserved globals U64Func and I64Func on the same line; File.Text is
// the rewritten text the VM must load, File.Src the text as written.
//
// Positions are lines only: gopher-lua's AST has no columns.
package frontend
