package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Chunks the script loads itself (dofile, loadfile, loadstring, load
// of a string, require of a Lua file) go through luabpf's parser, as
// the script does: LuaJIT's 64-bit literals (5ULL) then parse, and
// kernel functions defined in them compile, since the compiler finds a
// function's source by its chunk's name. A test harness written for
// the original, say, loads its spec files with dofile.

// openChunks replaces the base library's loaders and require's Lua
// file loader.
func (r *Runtime) openChunks() {
	L := r.L
	L.SetGlobal("dofile", L.NewFunction(r.dofile))
	L.SetGlobal("loadfile", L.NewFunction(r.loadfile))
	loadstring := L.NewFunction(r.loadstring)
	L.SetGlobal("loadstring", loadstring)
	if base, ok := L.GetGlobal("load").(*lua.LFunction); ok {
		L.SetGlobal("load", L.NewFunction(func(L *lua.LState) int {
			if _, ok := L.Get(1).(lua.LString); ok {
				return r.loadstring(L)
			}
			// A reader function: gopher-lua's own load.
			L.Insert(base, 1)
			L.Call(L.GetTop()-1, lua.MultRet)
			return L.GetTop()
		}))
	}
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if loaders, ok := pkg.RawGetString("loaders").(*lua.LTable); ok && loaders.Len() >= 2 {
			loaders.RawSetInt(2, L.NewFunction(r.requireLua))
		}
	}
}

// chunk parses text as the chunk called name and returns the function
// that runs it.
func (r *Runtime) chunk(name, text string) (*lua.LFunction, error) {
	file, err := r.opts.Compiler.Parse(name, text)
	if err != nil {
		return nil, err
	}
	r.files[name] = file
	r.texts[name] = text
	return r.load(file)
}

// fileChunk reads and parses the file at path; a first line starting
// with # (a shebang) is skipped, as Lua does.
func (r *Runtime) fileChunk(path string) (*lua.LFunction, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot open %s: %v", path, pe.Err)
		}
		return nil, err
	}
	text := string(b)
	if strings.HasPrefix(text, "#") {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = "--" + text[i:] // keeps the line numbers
		} else {
			text = ""
		}
	}
	return r.chunk(path, text)
}

// dofile implements dofile(path): run the file, returning its results.
func (r *Runtime) dofile(L *lua.LState) int {
	path := L.CheckString(1)
	fn, err := r.fileChunk(path)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// loadfile implements loadfile(path): the file's function, or nil and
// the reason.
func (r *Runtime) loadfile(L *lua.LState) int {
	fn, err := r.fileChunk(L.CheckString(1))
	return pushChunk(L, fn, err)
}

// pushChunk pushes a loaded chunk's function, or nil and the reason, as
// load, loadfile and loadstring return them.
func pushChunk(L *lua.LState, fn *lua.LFunction, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

// loadstring implements loadstring(text [, chunkname]) and load(text
// [, chunkname]): the chunk's function, or nil and the reason.
func (r *Runtime) loadstring(L *lua.LState) int {
	text := L.CheckString(1)
	name := L.OptString(2, "")
	if name == "" {
		first, _, _ := strings.Cut(text, "\n")
		if len(first) > 40 {
			first = first[:40] + "..."
		}
		name = `[string "` + first + `"]`
	}
	name = strings.TrimPrefix(name, "=")
	// Kernel functions are found by their chunk's name: two different
	// strings loaded under one name get distinct ones.
	for i, base := 2, name; r.texts[name] != "" && r.texts[name] != text; i++ {
		name = fmt.Sprintf("%s#%d", base, i)
	}
	fn, err := r.chunk(name, text)
	return pushChunk(L, fn, err)
}

// requireLua is require's loader of Lua files along package.path.
func (r *Runtime) requireLua(L *lua.LState) int {
	name := L.CheckString(1)
	path, _ := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	file := strings.ReplaceAll(name, ".", string(os.PathSeparator))
	var tried []string
	for _, pattern := range strings.Split(string(path), ";") {
		p := strings.ReplaceAll(pattern, "?", file)
		if _, err := os.Stat(p); err != nil {
			tried = append(tried, "\n\tno file '"+p+"'")
			continue
		}
		fn, err := r.fileChunk(p)
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", name, p, err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}
