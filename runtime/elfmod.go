package runtime

import (
	"github.com/luabpf/luabpf/internal/sym"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"
)

// The original toolkit's bpf.elf module, which its uprobe code and its
// tests use: elf.open(path) gives an object whose loadaddr() is the
// address of the file's first loadable segment and whose resolve(name)
// is the address of a symbol. Here resolve follows an imported name into
// the libraries the file needs, so /bin/sh resolves malloc in the C
// library; it returns the address and the path of the file defining it.

const elfObjectType = "bpf.elf object"

// elfModule builds the table require('bpf.elf') returns.
func (r *Runtime) elfModule() *lua.LTable {
	L := r.L
	mt := L.NewTypeMetatable(elfObjectType)
	methods := L.NewTable()
	methods.RawSetString("loadaddr", L.NewFunction(elfLoadAddr))
	methods.RawSetString("resolve", L.NewFunction(elfResolve))
	methods.RawSetString("close", L.NewFunction(func(L *lua.LState) int { checkELF(L); return 0 }))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("elf object<" + checkELF(L).path + ">"))
		return 1
	}))
	m := L.NewTable()
	m.RawSetString("open", L.NewFunction(elfOpen))
	return m
}

type elfObject struct {
	path string
	obj  *sym.Object
}

// elfOpen implements elf.open(path): an object, or nil and a message
// when path is not a string or names no readable file.
func elfOpen(L *lua.LState) int {
	path, ok := L.Get(1).(lua.LString)
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LString("elf.open: the path must be a string, not " + L.Get(1).Type().String()))
		return 2
	}
	o, err := sym.OpenObject(string(path))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	ud := L.NewUserData()
	ud.Value = &elfObject{path: string(path), obj: o}
	L.SetMetatable(ud, L.GetTypeMetatable(elfObjectType))
	L.Push(ud)
	return 1
}

func checkELF(L *lua.LState) *elfObject {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if o, ok := ud.Value.(*elfObject); ok {
			return o
		}
	}
	L.ArgError(1, "an elf object expected (call it as obj:method())")
	return nil
}

// elfLoadAddr implements obj:loadaddr(): nil and a message for a file
// that is not ELF.
func elfLoadAddr(L *lua.LState) int {
	o := checkELF(L)
	addr, ok := o.obj.LoadAddress()
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LString(o.path + " is not an ELF file with a loadable segment"))
		return 2
	}
	L.Push(lua.LNumber(addr))
	return 1
}

// elfResolve implements obj:resolve(name [, pattern]): the symbol's
// address and the file defining it, or nil when none does. With pattern
// true, name is a Lua pattern the symbol's name must match, as in the
// original.
func elfResolve(L *lua.LState) int {
	o := checkELF(L)
	name := L.CheckString(2)
	var addr uint64
	var file string
	var ok bool
	if lua.LVAsBool(L.Get(3)) {
		if _, err := pm.Find(name, nil, 0, 1); err != nil {
			L.RaiseError("obj:resolve: bad pattern %q: %v", name, err)
		}
		addr, file, ok = o.obj.ResolveMatch(func(sym string) bool {
			m, err := pm.Find(name, []byte(sym), 0, 1)
			return err == nil && len(m) > 0
		})
	} else {
		addr, file, ok = o.obj.Resolve(name)
	}
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LString("no symbol '" + name + "' in " + o.path + " or the libraries it needs"))
		return 2
	}
	L.Push(lua.LNumber(addr))
	L.Push(lua.LString(file))
	return 2
}
