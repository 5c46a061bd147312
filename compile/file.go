package compile

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/pipeline"
	"github.com/luabpf/luabpf/internal/source"
	lua "github.com/yuin/gopher-lua"
)

// File is a parsed Lua script.
type File struct{ f *frontend.File }

// Parse parses text as the Lua script named name (the name errors
// give).
func Parse(name, text string) (*File, error) {
	f, err := frontend.ParseFile(name, text)
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}

// Source returns the script's text, for excerpts.
func (f *File) Source() *source.File { return f.f.Src }

// Func is a kernel function of a File, with its names resolved.
type Func struct{ fn *frontend.Func }

// Name returns a name for the function: the variable it is assigned to,
// or "fn_LINE".
func (fn *Func) Name() string { return fn.fn.Name }

// Line returns the line the function starts on.
func (fn *Func) Line() int { return fn.fn.Node.Line() }

// FuncAt returns the function spanning lines first to last, as the Lua
// VM records a function's lines (LineDefined, LastLineDefined).
func (f *File) FuncAt(first, last int) (*Func, error) {
	fn, err := pipeline.ResolveIn(f.f, first, last)
	if err != nil {
		return nil, err
	}
	return &Func{fn}, nil
}

// FuncNamed returns the function called name (`function name(...)`,
// `local function name`, `local name = function`), or the file's first
// function when name is "".
func (f *File) FuncNamed(name string) (*Func, error) {
	if name == "" {
		fns, names := f.f.Funcs()
		if len(fns) == 0 {
			return nil, fmt.Errorf("%s: no function to compile", f.f.Src.Name)
		}
		fn, err := frontend.Resolve(f.f, fns[0], names[0])
		if err != nil {
			return nil, err
		}
		return &Func{fn}, nil
	}
	node, err := f.f.FindNamed(name)
	if err != nil {
		return nil, err
	}
	fn, err := frontend.Resolve(f.f, node, name)
	if err != nil {
		return nil, err
	}
	return &Func{fn}, nil
}

// Text returns the text the Lua VM should load for the script: the
// source with a "#!" first line blanked and LuaJIT's 64-bit literals
// rewritten to calls the runtime defines, line numbers unchanged.
func (f *File) Text() string { return f.f.Text }

// Proto implements value.Script: the script compiled for the Lua VM from
// the tree its kernel functions are compiled from, as loading Text would
// give it. It must not run at the same time as the File's other methods.
func (f *File) Proto() (*lua.FunctionProto, error) { return f.f.Proto() }

// Compile implements value.Script: it compiles the function spanning
// lines first to last.
func (f *File) Compile(first, last int, opts *FuncOptions) (*Program, error) {
	fn, err := f.FuncAt(first, last)
	if err != nil {
		return nil, err
	}
	return Function(fn, opts)
}
