package pipeline

import (
	"os"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/irgen"
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
	m := &irgen.Map{Ref: &ir.MapRef{Name: name, MapType: typ, KeySize: k.Size, ValueSize: v.Size}, Key: k, Val: v, MaxEntries: max}
	e.up[name] = m
	return m
}

// compileFirst compiles the first function in a Lua file.
func compileFirst(t testing.TB, name, src string, env *testEnv) (*Result, error) {
	t.Helper()
	file, err := frontend.ParseFile(name, src)
	if err != nil {
		return nil, err
	}
	fns, names := file.Funcs()
	if len(fns) == 0 {
		t.Fatalf("%s: no function", name)
	}
	fn, err := frontend.Resolve(file, fns[0], names[0])
	if err != nil {
		return nil, err
	}
	return Compile(fn, &Options{Kind: irgen.SocketFilter, Env: env, Verify: true, Debug: true})
}

func readSeed(t testing.TB, name string) string {
	b, err := os.ReadFile("../../../shared/seed/examples/" + name)
	if err != nil {
		t.Skipf("seed examples not available: %v", err)
	}
	return string(b)
}
