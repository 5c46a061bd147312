// Package runtime runs luabpf scripts: a gopher-lua VM with the modules
// scripts expect — bpf (compile kernel functions, create maps, attach
// programs), ffi and bit (package runtime/ffi) and syscall — and the
// kernel objects behind them, all through cilium/ebpf.
//
// A Runtime owns every kernel object a script creates: maps, programs,
// sockets with filters attached. Close releases them in reverse order of
// creation; it runs on normal exit, on errors, and after a run that was
// stopped. Run stops the script when its context is done (the CLI
// cancels it on SIGTERM or a second SIGINT); Interrupt raises one
// catchable "interrupted!" error in it instead (the CLI's first SIGINT),
// as LuaJIT's interpreter does on Ctrl-C.
//
// Values read from maps in userspace are Lua numbers when a double holds
// them exactly and 64-bit cdata beyond 2^53; LuaJIT's 64-bit literals
// (5ULL) are cdata too, made by functions the front end rewrites them to.
//
// Kernel functions are compiled from the script's source text: bpf(fn)
// finds fn's lines in the parsed file (gopher-lua records where each
// function starts and ends), hands its upvalues' current values to the
// compiler, and keeps the result as a program object that bpf.socket and
// friends load and attach.
//
// In Compile mode (Options.Mode, for `luabpf compile`) the runtime
// touches no kernel object: maps are descriptions with their entries in
// memory, attach calls record the compiled program and its attach point,
// and the first call that would wait for events ends the run;
// Runtime.Compiled then gives the programs and maps, and Compiled.Object
// writes them as one ELF object (package internal/elfobj).
package runtime
