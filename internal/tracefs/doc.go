// Package tracefs finds the kernel's tracing filesystem and reads what the
// tracing side of luabpf needs from it: tracepoint format files (which
// proto.ParseFormat turns into a C struct), the list of tracepoints (for
// spelling hints when a script names one that does not exist), and
// trace_pipe, where bpf_trace_printk output appears (bpf.tracelog()).
//
// # Where tracefs lives
//
// Since Linux 4.1 tracefs has its own mount point, /sys/kernel/tracing;
// before, and still on many systems, it also appears as the tracing
// directory of debugfs (/sys/kernel/debug/tracing), which automounts it.
// [Mount] returns the directory of a mounted tracefs and mounts one when
// there is none, which needs root (CAP_SYS_ADMIN).
//
// # Reading trace_pipe
//
// A read of trace_pipe blocks until the kernel has trace output, and
// closing the file from another goroutine does not wake it. [Pipe] reads it
// without blocking and waits in poll(2) on the pipe and on an eventfd at
// the same time; [Pipe.Close] and the cancellation of the context passed to
// [Pipe.ReadLine] write to the eventfd, so a blocked read returns at once
// and no goroutine is left behind.
//
// Reading trace_pipe consumes what it returns: two readers of the same
// trace_pipe (in this process or another) each get part of the output.
// Tests therefore read the trace_pipe of their own tracefs instance
// (instances/NAME), which has its own buffer and trace_marker.
package tracefs
