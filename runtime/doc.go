// Package runtime runs luabpf scripts: a gopher-lua VM with the modules
// scripts expect — bpf (compile kernel functions, create maps, attach
// programs), ffi and bit (package runtime/ffi) and syscall — and the
// kernel objects behind them, all through cilium/ebpf.
//
// A Runtime owns every kernel object a script creates: maps, programs,
// sockets with filters attached. Close releases them in reverse order of
// creation; it runs on normal exit, on errors, and when the context given
// to Run is cancelled (the CLI cancels it on SIGINT and SIGTERM).
//
// Kernel functions are compiled from the script's source text: bpf(fn)
// finds fn's lines in the parsed file (gopher-lua records where each
// function starts and ends), hands its upvalues' current values to the
// compiler, and keeps the result as a program object that bpf.socket and
// friends load and attach.
package runtime
