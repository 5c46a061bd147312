package pipeline

import (
	"fmt"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/proto"
)

// testEnv is an irgen.Env for tests: upvalues are given directly.
type testEnv struct {
	up  map[string]irgen.Value
	reg *ctype.Registry
}

func (e *testEnv) Upvalue(n string) (irgen.Value, bool) { v, ok := e.up[n]; return v, ok }
func (e *testEnv) Global(string) (irgen.Value, bool)    { return nil, false }
func (e *testEnv) Types() *ctype.Registry               { return e.reg }

func newEnv(t testing.TB) *testEnv {
	return &testEnv{up: map[string]irgen.Value{}, reg: ctype.NewRegistry(ctype.HostArch())}
}

// addMap declares an upvalue map.
func (e *testEnv) addMap(t testing.TB, name, typ string, max int, key, val string) *irgen.Map {
	k, err := e.reg.Parse(key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.reg.Parse(val)
	if err != nil {
		t.Fatal(err)
	}
	mt, ok := proto.MapTypeOf(typ)
	if !ok {
		t.Fatalf("unknown map type %q", typ)
	}
	m := &irgen.Map{Name: name, Type: mt, Key: k, Value: v, MaxEntries: max}
	e.up[name] = m
	return m
}

// parseFirst parses a Lua file and resolves its first function.
func parseFirst(name, src string) (*frontend.Func, error) {
	file, err := frontend.ParseFile(name, src)
	if err != nil {
		return nil, err
	}
	fns, names := file.Funcs()
	if len(fns) == 0 {
		return nil, fmt.Errorf("%s: no function", name)
	}
	return frontend.Resolve(file, fns[0], names[0])
}

// compileFirst compiles the first function in a Lua file.
func compileFirst(t testing.TB, name, src string, env *testEnv) (*Result, error) {
	t.Helper()
	fn, err := parseFirst(name, src)
	if err != nil {
		return nil, err
	}
	return Compile(fn, &Options{Kind: proto.SocketFilter, Env: env, Verify: true, Debug: true})
}
