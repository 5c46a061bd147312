// Package pipeline runs the compiler's stages in order on one kernel
// function: resolve (frontend), lower (irgen), optimise (passes),
// allocate registers (regalloc) and emit instructions (emit). The public
// compile package and the runtime both call it.
package pipeline

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/emit"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/passes"
	"github.com/luabpf/luabpf/internal/regalloc"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// Options configure a compilation.
type Options struct {
	// Kind is the kind of program to compile; it must be set.
	Kind *proto.Kind
	// Tracepoint is the format of the tracepoint a tracepoint program
	// is for: its record is the program's context.
	Tracepoint *proto.TracepointFormat
	Env        value.Env
	// NoOptimize skips the optional passes.
	NoOptimize bool
	// Verify checks the IR after every pass.
	Verify bool
	// Dump, when set, receives the text of each stage: "ir" after
	// lowering, "pass:NAME" after each pass, "regalloc" after allocation.
	Dump func(stage, text string)
	// Debug lets internal panics through, for tests.
	Debug bool
}

// Result is a compiled function.
type Result struct {
	Name string
	File *source.File
	// Insns carry the function's name as the symbol of instruction 0,
	// symbolic jumps and each instruction's *source.Line (see emit).
	Insns asm.Instructions
	// Maps are the maps Insns reference, by their names.
	Maps []*value.Map
}

// Slots returns the program length in 8-byte instruction slots.
func (r *Result) Slots() int {
	n := 0
	for _, ins := range r.Insns {
		n += int(ins.Width())
	}
	return n
}

// Compile compiles fn: it lowers, optimises, allocates registers and
// emits. User mistakes come back as *source.CompileError (or a
// *source.ErrorList); anything else is a compiler bug, reported as an
// internal compiler error at the function's first line.
func Compile(fn *frontend.Func, opts *Options) (res *Result, err error) {
	stage := "lowering"
	defer func() {
		if r := recover(); r != nil {
			if opts.Debug {
				panic(r)
			}
			res, err = nil, internal(fn, stage, fmt.Errorf("%v", r), debug.Stack())
		}
	}()
	f, maps, err := irgen.Build(fn, &irgen.Options{Kind: opts.Kind, Tracepoint: opts.Tracepoint, Env: opts.Env, Debug: opts.Debug})
	if err != nil {
		return nil, err
	}
	dump := func(s string, f *ir.Func) {
		if opts.Dump != nil {
			opts.Dump(s, f.String())
		}
	}
	dump("ir", f)
	stage = "optimisation"
	cfg := &passes.Config{Optimize: !opts.NoOptimize, Verify: opts.Verify}
	if opts.Dump != nil {
		cfg.Dump = func(p string, f *ir.Func) { dump("pass:"+p, f) }
	}
	if err := passes.Run(f, cfg); err != nil {
		return nil, internal(fn, stage, err, nil)
	}
	stage = "register allocation"
	if err := regalloc.Allocate(f); err != nil {
		return nil, internal(fn, stage, err, nil)
	}
	if opts.Verify {
		if err := regalloc.Check(f); err != nil {
			return nil, internal(fn, stage, fmt.Errorf("%w\n%s", err, f), nil)
		}
	}
	dump("regalloc", f)
	stage = "emission"
	p, err := emit.Emit(f, fn.File.Src)
	if err != nil {
		line := fn.Node.Line()
		var se *emit.StackError
		if errors.As(err, &se) && se.Line > 0 {
			line = se.Line
		}
		return nil, source.Errorf(fn.File.Src, line, "%v", err)
	}
	return &Result{Name: fn.Name, File: fn.File.Src, Insns: p.Insns, Maps: used(maps, f)}, nil
}

// used keeps the maps f still refers to after optimisation.
func used(maps []*value.Map, f *ir.Func) []*value.Map {
	names := map[string]bool{}
	for _, r := range f.Maps() {
		names[r.Name] = true
	}
	var out []*value.Map
	for _, m := range maps {
		if names[m.Name] {
			out = append(out, m)
		}
	}
	return out
}

// internal reports a compiler bug at the function's first line; the Go
// stack, when there is one, goes to the error's detail, not its message.
func internal(fn *frontend.Func, stage string, err error, stack []byte) error {
	e := source.Errorf(fn.File.Src, fn.Node.Line(), "internal compiler error during %s: %v (please report this with the script)", stage, err)
	if stack != nil {
		e.Extra = "compiler stack:\n" + string(stack)
	}
	return e
}

// ResolveIn resolves the function spanning lines first..last of file.
func ResolveIn(file *frontend.File, first, last int) (*frontend.Func, error) {
	node, fname, err := file.FindFunc(first, last)
	if err != nil {
		return nil, err
	}
	return frontend.Resolve(file, node, fname)
}

// String describes a result, for debugging.
func (r *Result) String() string { return fmt.Sprintf("%s (%d slots)", r.Name, r.Slots()) }
