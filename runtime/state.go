package runtime

import lua "github.com/yuin/gopher-lua"

// newState makes the Lua state: gopher-lua's with the standard libraries
// LuaJIT has, without gopher-lua's own channel library (Go channels,
// which no script written for LuaJIT uses), and with its value stack
// grown as it fills rather than allocated whole up front (5120 slots, 80
// KB zeroed in every run's start-up), up to gopher-lua's default limit as
// before. The call stack stays allocated whole: grown in segments it
// reports an overflow without the Lua line.
func newState() *lua.LState {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		RegistrySize:     1024,
		RegistryGrowStep: 1024,
		RegistryMaxSize:  lua.RegistrySize,
		CallStackSize:    lua.CallStackSize,
	})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		// package and the base library first, as gopher-lua's OpenLibs
		// opens them.
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.IoLibName, lua.OpenIo},
		{lua.OsLibName, lua.OpenOs},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.DebugLibName, lua.OpenDebug},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	return L
}
