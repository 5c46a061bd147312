package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// Options configure a Runtime. The zero value writes to the process's
// stdout and stderr.
type Options struct {
	Stdout io.Writer
	Stderr io.Writer
	// VerifierLog prints the kernel verifier's whole log when it rejects
	// a program (the default shows its last line).
	VerifierLog bool
	// Dump, when set, receives the compiler's stage dumps for each kernel
	// function ("ir", "pass:NAME", "regalloc", "asm").
	Dump func(function, stage, text string)
	// Compiler compiles the script's kernel functions; compile.Compiler{}
	// is luabpf's. The runtime reaches the compiler only through this
	// interface.
	Compiler value.Compiler
	// Mode is Execute (the zero value) or Compile; see Mode.
	Mode Mode
}

// defaultCompiler is used when Options.Compiler is nil; the package's
// tests set it.
var defaultCompiler value.Compiler

// Runtime is one script's VM and the kernel objects it created.
type Runtime struct {
	L        *lua.LState
	opts     Options
	ffi      *ffi.Module
	reg      *ctype.Registry
	files    map[string]value.Script  // parsed scripts by chunk name
	texts    map[string]string        // their text, for error excerpts
	maps     map[string]*Map          // maps by the name programs use
	mocks    map[*lua.LTable]*Map     // tables standing for maps (see tableMap)
	progTabs map[*lua.LTable]*Program // programs by their Lua object
	progs    []*Program               // programs compiled, in order
	closers  []io.Closer
	builtin  map[*lua.LFunction]string
	nextMap  int
	vm       *vmContext
	bpf      *lua.LTable // the bpf module
	comp     compileRun  // what a Compile-mode run recorded
	exited   *exitSignal // the first os.exit the script called
}

// New returns a Runtime with the standard Lua libraries and luabpf's
// modules loaded.
func New(opts *Options) *Runtime {
	r := &Runtime{files: map[string]value.Script{}, texts: map[string]string{}, maps: map[string]*Map{}, mocks: map[*lua.LTable]*Map{}, progTabs: map[*lua.LTable]*Program{}, builtin: map[*lua.LFunction]string{}, vm: newVMContext()}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.Compiler == nil {
		r.opts.Compiler = defaultCompiler
	}
	if r.opts.Stdout == nil {
		r.opts.Stdout = os.Stdout
	}
	if r.opts.Stderr == nil {
		r.opts.Stderr = os.Stderr
	}
	r.L = newState()
	r.reg = ctype.NewRegistry(ctype.HostArch())
	r.ffi = ffi.Open(r.L, r.reg)
	r.openLibs()
	r.registerBuiltins(map[string]*lua.LTable{
		"ffi":  r.ffi.Table(),
		"bit":  tableOf(r.L.GetGlobal("bit")),
		"math": tableOf(r.L.GetGlobal("math")),
		"bpf":  r.bpf,
	})
	return r
}

func tableOf(v lua.LValue) *lua.LTable {
	t, _ := v.(*lua.LTable)
	return t
}

// registerBuiltins records which userspace functions stand for builtins
// the compiler implements ("ffi.new", "bpf.ntoh"), so kernel code that
// reaches one through an upvalue (local ffi = require('ffi')) compiles
// it.
func (r *Runtime) registerBuiltins(modules map[string]*lua.LTable) {
	if r.opts.Compiler == nil {
		return
	}
	for user, name := range r.opts.Compiler.Builtins() {
		mod, fn, ok := strings.Cut(user, ".")
		if !ok || modules[mod] == nil {
			continue
		}
		if f, ok := modules[mod].RawGetString(fn).(*lua.LFunction); ok {
			r.builtin[f] = name
		}
	}
}

// track adds a kernel object to be released by Close.
func (r *Runtime) track(c io.Closer) { r.closers = append(r.closers, c) }

// Close releases everything the script created, newest first.
func (r *Runtime) Close() error {
	var errs []error
	for i := len(r.closers) - 1; i >= 0; i-- {
		if err := r.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	r.closers = nil
	r.L.Close()
	return errors.Join(errs...)
}

// ExitError is a script's call to os.exit with a non-zero code.
type ExitError struct{ Code int }

// Error says which status the script exited with.
func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// exitSignal is raised by os.exit to unwind the VM so Close still runs.
type exitSignal struct{ code int }

// Run runs the script at path with args as Lua's arg table. It returns
// nil when the script finishes, is stopped (ctx is done) or ends on an
// interrupt it did not catch (see Interrupt); an *ExitError for
// os.exit(n) with n != 0; and the script's error otherwise.
func (r *Runtime) Run(ctx context.Context, path string, args []string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return r.RunString(ctx, path, string(text), args)
}

// RunString runs text as the script named name.
func (r *Runtime) RunString(ctx context.Context, name, text string, args []string) error {
	defer context.AfterFunc(ctx, r.vm.stop)()
	if r.opts.Compiler == nil {
		return errors.New("luabpf runtime: no compiler configured (Options.Compiler)")
	}
	file, err := r.opts.Compiler.Parse(name, text)
	if err != nil {
		return err
	}
	r.files[name] = file
	r.texts[name] = text
	argt := r.L.NewTable()
	argt.RawSetInt(0, lua.LString(name))
	for i, a := range args {
		argt.RawSetInt(i+1, lua.LString(a))
	}
	r.L.SetGlobal("arg", argt)
	fn, err := r.load(file)
	if err != nil {
		return err
	}
	r.L.SetContext(r.vm)
	top := r.L.GetTop()
	r.L.Push(fn)
	err = r.scriptError(r.L.PCall(0, lua.MultRet, nil))
	if err == nil && r.L.GetTop() > top {
		err = r.bccScript(name, r.L.Get(top+1))
	}
	if delivered, stopped := r.vm.state(); err == nil && r.exited == nil && r.compiling() && (delivered || stopped && r.comp.stop == "") {
		return ErrInterrupted
	}
	return err
}

// bccScript is the error for a script whose main chunk returned ret
// when ret is a function: the form of scripts for BCC's bcc-lua
// (`return function(BPF) ... end`, with kernel code in C), which
// luabpf cannot run; without the error such a script ran nothing and
// ended with status 0.
func (r *Runtime) bccScript(name string, ret lua.LValue) error {
	fn, ok := ret.(*lua.LFunction)
	if !ok || fn.Proto == nil || fn.Proto.SourceName != name {
		return nil
	}
	msg := fmt.Sprintf("%s:%d: the script returns a function, as scripts for BCC's bcc-lua do (their kernel code is C, compiled with clang); luabpf runs scripts for the LuaJIT bpf module, whose kernel code is Lua: require('bpf')", name, fn.Proto.LineDefined)
	return &ScriptError{Msg: msg, Line: r.errorLine(msg)}
}

// load makes the function that runs the parsed script, as the VM's
// Load would from its text.
func (r *Runtime) load(file value.Script) (*lua.LFunction, error) {
	proto, err := file.Proto()
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	return r.L.NewFunctionFromProto(proto), nil
}

// ErrInterrupted is what Run returns in Compile mode when an interrupt
// or a stop cut the script's top level short: what it recorded may be
// incomplete.
var ErrInterrupted = errors.New("interrupted before the script's top level had run")

// Interrupt raises the error "interrupted!" once in the running script,
// at the Lua line it is executing or in the syscall.sleep it waits in,
// as LuaJIT's interpreter does on Ctrl-C: pcall can catch it (to print
// a summary, say) and the script then goes on. An interrupt the script
// does not catch ends Run without an error. Interrupt is safe to call
// from any goroutine; cancelling Run's context is the way to stop a
// script whatever it catches.
func (r *Runtime) Interrupt() { r.vm.interrupt() }

// scriptError turns what the VM returned into Run's result.
func (r *Runtime) scriptError(err error) error {
	if err == nil {
		return nil
	}
	if r.exited != nil {
		if r.exited.code == 0 {
			return nil
		}
		return &ExitError{Code: r.exited.code}
	}
	interrupted, stopped := r.vm.state()
	if stopped {
		return nil
	}
	var le *lua.ApiError
	if errors.As(err, &le) {
		if ud, ok := le.Object.(*lua.LUserData); ok {
			switch v := ud.Value.(type) {
			case exitSignal:
				if v.code == 0 {
					return nil
				}
				return &ExitError{Code: v.code}
			case error:
				var ce *source.CompileError
				var cl *source.ErrorList
				if errors.As(v, &ce) || errors.As(v, &cl) {
					return v
				}
			}
		}
		if s, ok := le.Object.(lua.LString); ok && interrupted && strings.HasSuffix(string(s), errInterrupted.Error()) {
			return nil // an interrupt nobody caught: a clean stop
		}
		msg := ""
		switch o := le.Object.(type) {
		case lua.LString, lua.LNumber:
			msg = lua.LVAsString(o)
		default:
			msg = r.errorObjectText(o, le.StackTrace)
		}
		return &ScriptError{Msg: msg, Line: r.errorLine(msg), Traceback: strings.TrimSpace(le.StackTrace)}
	}
	return err
}

// ScriptError is an error the script raised, or that luabpf raised in
// it: Error gives the message, which starts with the script's file:line
// where Lua knows it; Traceback the Lua stack when it was raised.
type ScriptError struct {
	Msg string
	// Line is the text of the script line the message starts with, ""
	// when it names none of the scripts run.
	Line      string
	Traceback string
}

// Error returns the message.
func (e *ScriptError) Error() string { return e.Msg }

// Detail returns the message followed by its script line, indented, as
// compile errors show theirs.
func (e *ScriptError) Detail() string { return e.Msg + source.Excerpt(e.Line) }

// errorLine is the text of the line of a script run that msg starts with
// ("name:LINE: ..."), or "" when it starts with none, or already shows
// its line.
func (r *Runtime) errorLine(msg string) string {
	if strings.Contains(msg, "\n") {
		return ""
	}
	for name, text := range r.texts {
		rest, ok := strings.CutPrefix(msg, name+":")
		if !ok {
			continue
		}
		digits, _, ok := strings.Cut(rest, ":")
		if n, err := strconv.Atoi(digits); ok && err == nil {
			return source.NewFile(name, text).Line(n)
		}
	}
	return ""
}

// errorObjectText describes an error value that is not a string: its
// __tostring if it has one, as Lua's interpreter prints it; otherwise
// what kind of value it is, after the script position it was raised at
// (the first frame of traceback in one of the scripts run).
func (r *Runtime) errorObjectText(o lua.LValue, traceback string) string {
	L := r.L
	if L.GetMetaField(o, "__tostring") != lua.LNil {
		L.RemoveContext() // the run is over; a stopped context would fail the call
		if err := L.CallByParam(lua.P{Fn: L.GetGlobal("tostring"), NRet: 1, Protect: true}, o); err == nil {
			defer L.Pop(1)
			if s, ok := L.Get(-1).(lua.LString); ok {
				return string(s)
			}
		}
	}
	where := r.raisedAt(traceback)
	switch o.Type() {
	case lua.LTNil:
		return where + "error object is nil"
	case lua.LTTable:
		return where + "error object is a table value (give it a __tostring metamethod to print it)"
	case lua.LTBool:
		return fmt.Sprintf("%serror object is a boolean value (%s)", where, o.String())
	}
	return fmt.Sprintf("%serror object is a %s value", where, o.Type())
}

// raisedAt returns "file:LINE: " of the innermost frame of a gopher-lua
// traceback that is in one of the scripts run, or "".
func (r *Runtime) raisedAt(traceback string) string {
	for _, line := range strings.Split(traceback, "\n") {
		line = strings.TrimSpace(line)
		for name := range r.texts {
			rest, ok := strings.CutPrefix(line, name+":")
			if !ok {
				continue
			}
			digits, _, ok := strings.Cut(rest, ":")
			if n, err := strconv.Atoi(digits); ok && err == nil && n > 0 {
				return fmt.Sprintf("%s:%d: ", name, n)
			}
		}
	}
	return ""
}
