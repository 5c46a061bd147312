package frontend

import (
	"reflect"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// protoSrc has what gopher-lua's compiler writes into the tree it
// compiles: unary minus over constants (folded), nested in other
// arithmetic and inside a function, and numeric for loops without a step.
const protoSrc = `local t = {}
local a = -(2 * 3) + 1
local f = function (x)
	local s = 0
	for i = 1, 3 do s = s + -(i * 2) - -(4 - 1) end
	return s + -x, -(-(1 + 1))
end
for i = 1, 2 do t[i] = -(i + 0.5) end
result = a .. ' ' .. f(5) .. ' ' .. t[2]
`

func TestProtoLeavesChunkAsParsed(t *testing.T) {
	f, err := ParseFile("p.lua", protoSrc)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := ParseFile("p.lua", protoSrc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Proto(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Chunk, fresh.Chunk) {
		t.Error("Proto changed the syntax tree")
	}
	// The kernel compiler still finds the function, with its lines.
	if fn, name, err := f.FindFunc(3, 7); err != nil || name != "f" || fn.Line() != 3 {
		t.Errorf("FindFunc(3, 7) after Proto = %v %q %v", fn, name, err)
	}
}

func TestProtoRunsAsLoad(t *testing.T) {
	f, err := ParseFile("p.lua", protoSrc)
	if err != nil {
		t.Fatal(err)
	}
	proto, err := f.Proto()
	if err != nil {
		t.Fatal(err)
	}
	run := func(fn *lua.LFunction, L *lua.LState) string {
		L.Push(fn)
		if err := L.PCall(0, 0, nil); err != nil {
			t.Fatal(err)
		}
		return L.GetGlobal("result").String()
	}
	L := lua.NewState()
	defer L.Close()
	got := run(L.NewFunctionFromProto(proto), L)
	want, err := L.LoadString(protoSrc)
	if err != nil {
		t.Fatal(err)
	}
	if w := run(want, L); got != w || got != "-5 -8 -2.5" {
		t.Errorf("result = %q, Load's %q, want %q", got, w, "-5 -8 -2.5")
	}
}
