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
	"github.com/luabpf/luabpf/internal/emit"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/passes"
	"github.com/luabpf/luabpf/internal/regalloc"
	"github.com/luabpf/luabpf/internal/source"
)

// Options configure a compilation.
type Options struct {
	Kind irgen.ProgKind
	Env  irgen.Env
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
	Name      string
	File      string
	Insns     asm.Instructions
	Lines     []int // Lua line per instruction
	StackSize int
	Maps      []*ir.MapRef
}

// Slots returns the program length in 8-byte instruction slots.
func (r *Result) Slots() int {
	n := 0
	for _, ins := range r.Insns {
		n += int(ins.Width())
	}
	return n
}

// LineAt returns the Lua line of the instruction at a kernel instruction
// index (slot), or 0.
func (r *Result) LineAt(slot int) int {
	pos := 0
	for i, ins := range r.Insns {
		w := int(ins.Width())
		if slot >= pos && slot < pos+w {
			return r.Lines[i]
		}
		pos += w
	}
	return 0
}

// Compile compiles fn. User mistakes come back as *source.CompileError
// (or a *source.ErrorList); anything else is a compiler bug, reported as
// an internal compiler error at the function's first line.
func Compile(fn *frontend.Func, opts *Options) (res *Result, err error) {
	stage := "lowering"
	defer func() {
		if r := recover(); r != nil {
			if opts.Debug {
				panic(r)
			}
			res = nil
			err = source.Errorf(fn.File.Src, fn.Node.Line(), "internal compiler error during %s: %v (please report this with the script)\n%s", stage, r, debug.Stack())
		}
	}()
	f, err := irgen.Build(fn, &irgen.Options{Kind: opts.Kind, Env: opts.Env, Debug: opts.Debug})
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
		return nil, internal(fn, "optimisation", err)
	}
	maps := f.Maps()
	stage = "register allocation"
	if err := regalloc.Allocate(f); err != nil {
		return nil, internal(fn, stage, err)
	}
	dump("regalloc", f)
	stage = "emission"
	p, err := emit.Emit(f)
	if err != nil {
		line := fn.Node.Line()
		var se *emit.StackError
		if errors.As(err, &se) && se.Line > 0 {
			line = se.Line
		}
		return nil, source.Errorf(fn.File.Src, line, "%v", err)
	}
	return &Result{Name: fn.Name, File: fn.File.Src.Name, Insns: p.Insns, Lines: p.Lines, StackSize: p.StackSize, Maps: maps}, nil
}

func internal(fn *frontend.Func, stage string, err error) error {
	return source.Errorf(fn.File.Src, fn.Node.Line(), "internal compiler error during %s: %v (please report this with the script)", stage, err)
}

// ParseAndResolve parses text and resolves the function spanning lines
// first..last (as gopher-lua's FunctionProto records them).
func ParseAndResolve(name, text string, first, last int) (*frontend.Func, error) {
	file, err := frontend.ParseFile(name, text)
	if err != nil {
		return nil, err
	}
	return ResolveIn(file, first, last)
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
