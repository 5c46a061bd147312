package irgen

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/proto"
	"github.com/yuin/gopher-lua/ast"
)

// testEnv is an Env whose upvalues the test gives directly; it has no
// globals.
type testEnv struct {
	up  map[string]Value
	reg *ctype.Registry
}

func (e *testEnv) Upvalue(n string) (Value, bool) { v, ok := e.up[n]; return v, ok }
func (e *testEnv) Global(string) (Value, bool)    { return nil, false }
func (e *testEnv) Types() *ctype.Registry         { return e.reg }

// A wantError is an error a case must report: at line, containing msg.
type wantError struct {
	line int
	msg  string
}

// A luaCase is an annotated Lua source. Annotations are comments:
//
//	--! map NAME TYPE KEY -> VALUE MAX   an upvalue map (ring buffers: - -> -)
//	--! const NAME N                     an upvalue number
//	--! string NAME TEXT                 an upvalue string (the rest of the line)
//	--! opaque NAME WHAT                 an upvalue kernel code cannot use
//	--! float NAME F                     an upvalue number with a fraction
//	--! nil NAME                         an upvalue holding nil
//	--! builtin NAME QUALIFIED           an upvalue holding a builtin by name
//	--! table NAME KEY=N ...             an upvalue table of numbers
//	--! cdef DECLARATION                 a C declaration (ffi.cdef)
//	--! func NAME                        an upvalue holding the file's function
//	                                     NAME (kernel code inlines it); the
//	                                     case compiles the first function
//	                                     not named so
//	--! funclines NAME FILE FIRST LAST   an upvalue holding the Lua function
//	                                     of FILE on lines FIRST to LAST
//	--! kind NAME                        compile as this program kind
//	                                     ("kprobe"), not a socket filter
//	... --! error: "text"                this line reports an error
//	                                     containing text
type luaCase struct {
	name, src string
	env       *testEnv
	kind      *proto.Kind
	tp        *proto.TracepointFormat
	errs      []wantError
	funcs     map[string]bool // the names --! func gives
}

var (
	mapAnn    = regexp.MustCompile(`^--! map (\S+) (\S+) (.+) -> (.+) (\d+)$`)
	constAnn  = regexp.MustCompile(`^--! const (\S+) (-?\d+)$`)
	stringAnn = regexp.MustCompile(`^--! string (\S+) (.*)$`)
	opaqueAnn = regexp.MustCompile(`^--! opaque (\S+) (.+)$`)
	floatAnn  = regexp.MustCompile(`^--! float (\S+) (\S+)$`)
	nilAnn    = regexp.MustCompile(`^--! nil (\S+)$`)
	builtAnn  = regexp.MustCompile(`^--! builtin (\S+) (\S+)$`)
	tableAnn  = regexp.MustCompile(`^--! table (\S+)((?: \S+=-?\d+)*)$`)
	cdefAnn   = regexp.MustCompile(`^--! cdef (.+)$`)
	kindAnn   = regexp.MustCompile(`^--! kind (\S+)$`)
	funcAnn   = regexp.MustCompile(`^--! func (\S+)$`)
	linesAnn  = regexp.MustCompile(`^--! funclines (\S+) (\S+) (\d+) (\d+)$`)
	tpAnn     = regexp.MustCompile(`^--! tracepoint (\S+)/(\S+)$`)
	errAnn    = regexp.MustCompile(`--! error: "((?:[^"\\]|\\.)*)"`)
)

// parseCase reads the annotations of src.
func parseCase(t testing.TB, name, src string) *luaCase {
	t.Helper()
	c := &luaCase{name: name, src: src, kind: proto.SocketFilter, funcs: map[string]bool{},
		env: &testEnv{up: map[string]Value{}, reg: ctype.NewRegistry(ctype.HostArch())}}
	for i, line := range strings.Split(src, "\n") {
		ann := strings.TrimSpace(line)
		switch {
		case mapAnn.MatchString(ann):
			m := mapAnn.FindStringSubmatch(ann)
			n, _ := strconv.Atoi(m[5])
			c.env.up[m[1]] = c.newMap(t, m[1], m[2], m[3], m[4], n)
		case constAnn.MatchString(ann):
			m := constAnn.FindStringSubmatch(ann)
			n, _ := strconv.ParseInt(m[2], 10, 64)
			c.env.up[m[1]] = Int(n)
		case stringAnn.MatchString(ann):
			m := stringAnn.FindStringSubmatch(ann)
			c.env.up[m[1]] = String(m[2])
		case opaqueAnn.MatchString(ann):
			m := opaqueAnn.FindStringSubmatch(ann)
			c.env.up[m[1]] = Opaque(m[2])
		case floatAnn.MatchString(ann):
			m := floatAnn.FindStringSubmatch(ann)
			f, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			c.env.up[m[1]] = Float(f)
		case nilAnn.MatchString(ann):
			c.env.up[nilAnn.FindStringSubmatch(ann)[1]] = Nil{}
		case builtAnn.MatchString(ann):
			m := builtAnn.FindStringSubmatch(ann)
			c.env.up[m[1]] = Builtin(m[2])
		case tableAnn.MatchString(ann):
			m := tableAnn.FindStringSubmatch(ann)
			tab := MapTable{}
			for _, kv := range strings.Fields(m[2]) {
				k, v, _ := strings.Cut(kv, "=")
				n, _ := strconv.ParseInt(v, 10, 64)
				tab[k] = Int(n)
			}
			c.env.up[m[1]] = tab
		case cdefAnn.MatchString(ann):
			if err := c.env.reg.Define(cdefAnn.FindStringSubmatch(ann)[1]); err != nil {
				t.Fatalf("%s:%d: cdef: %v", name, i+1, err)
			}
		case funcAnn.MatchString(ann):
			c.funcs[funcAnn.FindStringSubmatch(ann)[1]] = true
		case linesAnn.MatchString(ann):
			m := linesAnn.FindStringSubmatch(ann)
			first, _ := strconv.Atoi(m[3])
			last, _ := strconv.Atoi(m[4])
			c.env.up[m[1]] = &value.Func{Source: m[2], First: first, Last: last, Env: c.env}
		case kindAnn.MatchString(ann):
			c.kind = kindNamed(t, kindAnn.FindStringSubmatch(ann)[1])
		case tpAnn.MatchString(ann):
			m := tpAnn.FindStringSubmatch(ann)
			c.kind, c.tp = proto.Tracepoint, readTracepoint(t, m[1], m[2])
		case strings.HasPrefix(ann, "--! ") && !errAnn.MatchString(ann):
			t.Fatalf("%s:%d: unknown annotation %q", name, i+1, ann)
		}
		if m := errAnn.FindStringSubmatch(line); m != nil {
			msg, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			c.errs = append(c.errs, wantError{i + 1, msg})
		}
	}
	return c
}

// kindNamed returns the program kind called name.
func kindNamed(t testing.TB, name string) *proto.Kind {
	t.Helper()
	for _, k := range proto.Kinds() {
		if k.Name == name {
			return k
		}
	}
	t.Fatalf("unknown program kind %q", name)
	return nil
}

func (c *luaCase) newMap(t testing.TB, name, typ, key, val string, max int) *Map {
	t.Helper()
	mt, ok := proto.MapTypeOf(typ)
	if !ok {
		t.Fatalf("%s: unknown map type %q", c.name, typ)
	}
	m := &Map{Name: name, Type: mt, MaxEntries: max}
	if mt.Bytes {
		return m // a ring buffer: no key or value ("- -> -")
	}
	var err error
	if m.Key, err = c.env.reg.Parse(key); err != nil {
		t.Fatalf("%s: map key: %v", c.name, err)
	}
	if m.Value, err = c.env.reg.Parse(val); err != nil {
		t.Fatalf("%s: map value: %v", c.name, err)
	}
	return m
}

// build lowers the case's function f, or else its first function (not
// counting those --! func names). Resolver errors fail the test: these cases are about irgen.
func (c *luaCase) build(t testing.TB) (*ir.Func, []*Map, error) {
	t.Helper()
	file, err := frontend.ParseFile(c.name+".lua", c.src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	all, allNames := file.Funcs()
	var fns []*ast.FunctionExpr
	var names []string
	for i, fn := range all {
		if c.funcs[allNames[i]] {
			c.env.up[allNames[i]] = &value.Func{Source: file.Src.Name, First: fn.Line(), Last: fn.LastLine(), Env: c.env}
			continue
		}
		fns, names = append(fns, fn), append(names, allNames[i])
	}
	if len(fns) == 0 {
		t.Fatalf("%s: no function", c.name)
	}
	for i, n := range names {
		if n == "f" { // error cases call the kernel function f
			fns[0], names[0] = fns[i], n
			break
		}
	}
	fn, err := frontend.Resolve(file, fns[0], names[0])
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	return Build(fn, &Options{Kind: c.kind, Tracepoint: c.tp, Env: c.env, Debug: true})
}

// readTracepoint reads the format of tracepoint category/name from the
// real format files proto's tests keep.
func readTracepoint(t testing.TB, category, name string) *proto.TracepointFormat {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "proto", "testdata", "tracepoint", category+"__"+name+".format"))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := proto.ParseFormat(category+"/"+name, data, ctype.AMD64)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}
