package pipeline

import (
	"fmt"
	"github.com/luabpf/luabpf/ctype"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/disasm"
	"github.com/luabpf/luabpf/internal/golden"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// corpusCase is one annotated Lua file of testdata/lua.
type corpusCase struct {
	name, path, src string
	// file is the name the source is compiled as: the case's own, or the
	// seed script it names.
	file    string
	env     *testEnv
	maps    map[string]string // name → map type
	errLine int
	errMsg  string
	// kind is the program kind, a socket filter unless the case names
	// a tracepoint, whose format tp then is.
	kind *proto.Kind
	tp   *proto.TracepointFormat
}

var (
	mapAnn   = regexp.MustCompile(`^--! map (\S+) (\S+) (.+) -> (.+) (\d+)$`)
	constAnn = regexp.MustCompile(`^--! const (\S+) (-?\d+)$`)
	errAnn   = regexp.MustCompile(`--! error: "((?:[^"\\]|\\.)*)"`)
	seedAnn  = regexp.MustCompile(`^--! seed (\S+)$`)
	tpAnn    = regexp.MustCompile(`^--! tracepoint (\S+)/(\S+)$`)
	strAnn   = regexp.MustCompile(`^--! string (\S+) (.*)$`)
	kindAnn  = regexp.MustCompile(`^--! kind (\S+)$`)
)

// seedDir holds the repository's one copy of the seed example scripts.
var seedDir = filepath.Join("..", "..", "testdata", "seed")

// loadCorpus reads the annotated corpus: `--! map NAME TYPE KEY -> VALUE
// MAX` declares an upvalue map, `--! const NAME N` an upvalue number,
// `--! kind NAME` compiles the case as that program kind ("XDP"),
// `--! error: "text"` on a line says compiling fails there with a message
// containing text. `--! seed FILE` makes the case the first function of
// the seed script FILE (in the repository's testdata/seed), compiled with
// the case's maps and constants: the case file holds only annotations.
func loadCorpus(t testing.TB) []*corpusCase {
	paths, err := filepath.Glob("testdata/lua/*.lua")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []*corpusCase
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &corpusCase{name: strings.TrimSuffix(filepath.Base(p), ".lua"), path: p, src: string(b), env: newEnv(t), maps: map[string]string{}}
		c.file = c.name + ".lua"
		c.kind = proto.SocketFilter
		annotations := c.src
		for i, line := range strings.Split(annotations, "\n") {
			if m := seedAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				seed, err := os.ReadFile(filepath.Join(seedDir, m[1]))
				if err != nil {
					t.Fatalf("%s:%d: %v", p, i+1, err)
				}
				c.file, c.src = m[1], string(seed)
			}
			if m := tpAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				c.kind, c.tp = proto.Tracepoint, readTracepoint(t, m[1], m[2])
			}
			if m := mapAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				max, _ := strconv.Atoi(m[5])
				c.env.addMap(t, m[1], m[2], max, m[3], m[4])
				c.maps[m[1]] = m[2]
			}
			if m := strAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				c.env.up[m[1]] = irgen.String(m[2])
			}
			if m := kindAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				c.kind = kindNamed(t, m[1])
			}
			if m := constAnn.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				n, _ := strconv.ParseInt(m[2], 10, 64)
				c.env.up[m[1]] = irgen.Int(n)
			}
			if m := errAnn.FindStringSubmatch(line); m != nil {
				c.errLine = i + 1
				c.errMsg, _ = strconv.Unquote(`"` + m[1] + `"`)
			}
		}
		out = append(out, c)
	}
	return out
}

// kindNamed returns the program kind called name ("XDP").
func kindNamed(t testing.TB, name string) *proto.Kind {
	for _, k := range proto.Kinds() {
		if k.Name == name {
			return k
		}
	}
	t.Fatalf("unknown program kind %q", name)
	return nil
}

// compile compiles the corpus case's first function, collecting the IR
// right after lowering.
func (c *corpusCase) compile(t testing.TB) (*Result, string, error) {
	var irText string
	file, err := parseFirst(c.file, c.src)
	if err != nil {
		return nil, "", err
	}
	res, err := Compile(file, &Options{Kind: c.kind, Tracepoint: c.tp, Env: c.env, Verify: true, Debug: true, Dump: func(stage, text string) {
		if stage == "ir" {
			irText = text
		}
	}})
	return res, irText, err
}

func TestCorpus(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			res, irText, err := c.compile(t)
			if c.errMsg != "" {
				want := fmt.Sprintf("%s:%d: ", c.file, c.errLine)
				if err == nil {
					t.Fatalf("compiled; want an error at %s%s", want, c.errMsg)
				}
				if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), c.errMsg) {
					t.Fatalf("error %q\nwant prefix %q containing %q", err, want, c.errMsg)
				}
				if d := source.Detail(err); !strings.Contains(d, "\n    ") {
					t.Errorf("error detail has no source excerpt: %q", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, strings.TrimSuffix(c.path, ".lua")+".ir.golden", []byte(irText))
			asm := fmt.Sprintf("; %d slots\n%s", res.Slots(), disasm.Format(res.Insns, nil))
			golden.Check(t, strings.TrimSuffix(c.path, ".lua")+".asm.golden", []byte(asm))
		})
	}
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
