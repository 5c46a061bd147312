// Package difftest is a differential tester of the compiler: it
// generates random kernel functions (integer arithmetic of mixed widths
// and signedness, bit operations, comparisons, nested if/else, and/or as
// values, constant-bound loops with break, hash and array maps with
// xadd and deletes, packet reads through the dissectors, stack objects
// with narrow fields and arrays, char arrays and packet bytes compared
// with string literals, ffi.copy and load_bytes into char arrays, and a
// hash map of struct keys and values taken from stack arrays of
// structs, all also at run-time indices; in a third of the programs
// helper functions defined before the kernel function, which it and
// later helpers call as statements and in expressions and conditions,
// with missing and extra arguments) together with a frame to run them
// on,
// and computes what each must do with an evaluator of its own: a
// tree-walking interpreter over the generator's syntax tree that
// implements the rules the README writes down for numbers in kernel
// functions, not the compiler's code.
//
// A program's observable result is its return value and the contents of
// its maps after one run. The kernel tests compile each program as a
// socket filter with and without the optional passes, run both with
// BPF_PROG_TEST_RUN and compare with [Eval]. On a mismatch [Minimize]
// shrinks the program while it still fails. Reproducers of the bugs
// found live in testdata/repro.
//
// Everything is deterministic in the seed: [Generate] with the same seed
// gives the same program and frame.
package difftest
