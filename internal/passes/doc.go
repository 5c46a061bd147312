// Package passes holds the optimizations that run on the IR between the
// front end and register allocation. Each pass is a function from IR to IR
// in a file of its own, named as in the pipeline table (constfold.go is
// "constfold"); pipeline.go lists them in order, with the reasons one must
// run before another written down as data and checked by a test.
//
// Passes know the IR, not Lua and not the kernel: they fold constants and
// branches, propagate copies, merge equal computations, delete dead code,
// remove null checks an earlier check already made, keep run-time packet
// offsets as the pointers they are added to, and finally expand the
// high-level map operations into the stack stores and helper calls the
// back end emits.
package passes
