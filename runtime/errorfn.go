package runtime

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// luaError is error(obj [, level]) as LuaJIT has it: a string or a
// number gets the position of the function level levels up (1, the
// default, is the caller of error; 2 its caller; 0 none), and none when
// that function is not Lua code. gopher-lua's own error gives level 2
// the position of level 1. error() with no value raises nil.
func (r *Runtime) luaError(L *lua.LState) int {
	obj := L.Get(1)
	level := L.OptInt(2, 1)
	switch obj.(type) {
	case lua.LString, lua.LNumber:
		msg := lua.LVAsString(obj)
		if level > 0 {
			msg = luaWhere(L, level) + msg
		}
		L.Error(lua.LString(msg), 0)
	default:
		L.Error(obj, 0) // the top level finds where in the traceback
	}
	return 0
}

// luaWhere is luaL_where: "file:LINE: " for the Lua function level
// levels above the running Go function (1, its caller), or "".
func luaWhere(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 || dbg.What == "G" {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
}
