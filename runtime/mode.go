package runtime

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Mode says what a Runtime does with the kernel.
type Mode uint8

// Modes.
const (
	// Execute runs a script as `luabpf run` does: bpf.map creates kernel
	// maps, bpf.socket and the probes load and attach programs.
	Execute Mode = iota
	// Compile runs a script's top level to learn what it would load, as
	// `luabpf compile` does, touching no kernel object. bpf.map makes
	// the map's description, whose entries userspace code reads and
	// writes in memory (arrays start zeroed, other maps empty, as in the
	// kernel). bpf(fn), bpf.socket, bpf.tracepoint, bpf.kprobe and
	// bpf.uprobe compile their function and record it with its attach
	// point instead of loading and attaching it; bpf.socket does not
	// check that the interface exists, since the object may be loaded
	// elsewhere. The first call that would wait for events —
	// syscall.sleep, map:reader, bpf.tracelog — ends the run cleanly
	// there, as the end of the script does; a pcall around it does not
	// catch that. [Runtime.Compiled] then gives what was recorded.
	Compile
)

// compileRun is what a Compile-mode run records.
type compileRun struct {
	progs []*compiledProg
	stop  string // "file.lua:LINE: syscall.sleep", the call the run stopped at
}

// compiledProg is one program the script compiled, and what it attaches
// it to.
type compiledProg struct {
	p      *Program
	attach []string
	alone  bool // made by bpf(fn) and not attached as it is
}

// record notes a program bpf(fn) made.
func (c *compileRun) record(p *Program) {
	c.progs = append(c.progs, &compiledProg{p: p, alone: true})
}

// attached notes that the script attaches p to what.
func (c *compileRun) attached(p *Program, what string) {
	for _, cp := range c.progs {
		if cp.p == p {
			cp.attach = append(cp.attach, what)
			cp.alone = false
			return
		}
	}
	c.progs = append(c.progs, &compiledProg{p: p, attach: []string{what}})
}

// waitStop ends a Compile-mode run at a call that would wait for events:
// it stops the VM (so no pcall catches the unwinding) and raises.
func (r *Runtime) waitStop(L *lua.LState, what string) int {
	r.comp.stop = fmt.Sprintf("%s %s", L.Where(1), what)
	r.vm.stop()
	L.RaiseError("%s", errStopped)
	return 0
}

// compiling reports whether the run is in Compile mode.
func (r *Runtime) compiling() bool { return r.opts.Mode == Compile }

// pushMemMap pushes a map whose entries live in memory (Compile mode).
func (r *Runtime) pushMemMap(L *lua.LState, m *Map) int {
	mem, err := newMemStore(m.desc)
	if err != nil {
		// nil and the reason, as bpf.map gives them when the kernel
		// refuses the map.
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	m.mem = mem
	return r.pushMap(L, m)
}
