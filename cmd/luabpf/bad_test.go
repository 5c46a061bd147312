package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A badScript is one script of testdata/bad and the error it must end
// with. Its annotations are Lua comments:
//
//	local m = bpf.map('hashmap', 4) --! error: "unknown map type"
//
// on the line the error must name, with text the message must contain,
// and "--! needs: kernel" on a line of its own when the script needs
// root and BPF to get there (it creates a map, reads tracefs, ...).
type badScript struct {
	name   string // file name, as the error names it
	line   int
	want   string
	kernel bool
	source string // the failing line, without its annotation
}

var (
	errorNote = regexp.MustCompile(`--! error: ("(?:[^"\\]|\\.)*")\s*$`)
	luaWord   = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9A-Za-z.]*|\.\.\.`)
)

// readBadScripts reads the corpus and its annotations.
func readBadScripts(t *testing.T) []badScript {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "bad", "*.lua"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata/bad (%v)", err)
	}
	var out []badScript
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := badScript{name: filepath.Base(p)}
		for i, l := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(l) == "--! needs: kernel" {
				s.kernel = true
			}
			if m := errorNote.FindStringSubmatchIndex(l); m != nil {
				want, err := strconv.Unquote(l[m[2]:m[3]])
				if err != nil || s.line != 0 {
					t.Fatalf("%s:%d: a bad annotation, or a second one (%v)", p, i+1, err)
				}
				s.line, s.want, s.source = i+1, want, l[:m[0]]
			}
		}
		if s.line == 0 {
			t.Fatalf("%s: no --! error: annotation", p)
		}
		out = append(out, s)
	}
	return out
}

// TestBadScripts runs the scripts of testdata/bad that need no kernel.
func TestBadScripts(t *testing.T) {
	runBadScripts(t, false)
}

// runBadScripts runs every script of the corpus whose need of the kernel
// is kernel through the binary, as a user would, and checks what the
// user sees: exit status 1, nothing on stdout, and on stderr one
// "luabpf: NAME.lua:LINE: message" at the annotated line, containing the
// annotated text and something the user wrote on that line, without Go
// or kernel internals.
func runBadScripts(t *testing.T, kernel bool) {
	dir, err := filepath.Abs(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range readBadScripts(t) {
		if s.kernel != kernel {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(s.name, ".lua"), func(t *testing.T) {
			r := execLuabpf(t, dir, "run", s.name)
			first, _, _ := strings.Cut(r.stderr, "\n")
			prefix := "luabpf: " + s.name + ":" + strconv.Itoa(s.line) + ": "
			if r.code != 1 || r.stdout != "" || !strings.HasPrefix(first, prefix) || !strings.Contains(first, s.want) {
				t.Fatalf("exit status %d, stdout %q, stderr:\n%s\nwant status 1, no output and stderr starting %q, containing %q",
					r.code, r.stdout, r.stderr, prefix, s.want)
			}
			checkNoGoText(t, r.stderr)
			checkNoKernelText(t, r.stderr)
			if !strings.HasPrefix(s.name, "syntax-") && !namesUserText(first[len(prefix):], s.source) {
				t.Errorf("%q names nothing written on line %d: %s", first, s.line, strings.TrimSpace(s.source))
			}
		})
	}
	if n == 0 {
		t.Fatal("no scripts to run")
	}
}

// rawErrno matches errno names and numbers shown as they are (EINVAL,
// "errno 22"), which say nothing a user can act on.
var rawErrno = regexp.MustCompile(`\bE[A-Z0-9]{3,}\b|\berrno\b|panic`)

// checkNoKernelText fails when an error shows raw errno names or a
// panic.
func checkNoKernelText(t *testing.T, stderr string) {
	t.Helper()
	if m := rawErrno.FindString(stderr); m != "" {
		t.Errorf("stderr shows %q:\n%s", m, stderr)
	}
}

// luaKeywords are words a message may share with a line without naming
// anything the user chose.
var luaKeywords = map[string]bool{
	"local": true, "function": true, "end": true, "do": true, "then": true, "if": true,
	"for": true, "in": true, "while": true, "repeat": true, "until": true, "and": true, "or": true,
	"not": true, "nil": true, "true": true, "false": true, "require": true,
}

// namesUserText reports whether msg contains a word (a name or number)
// of the Lua source line, other than a keyword.
func namesUserText(msg, source string) bool {
	for _, w := range luaWord.FindAllString(source, -1) {
		if !luaKeywords[w] && strings.Contains(msg, w) {
			return true
		}
	}
	return false
}
