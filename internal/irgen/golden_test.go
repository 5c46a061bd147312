package irgen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/golden"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/source"
)

// TestGolden lowers each testdata/NAME.lua and compares the IR with
// NAME.ir.golden; a case with error annotations must report exactly
// those errors instead. `go test ./internal/irgen -update` rewrites the
// golden files.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.lua")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".lua")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			c := parseCase(t, name, string(src))
			f, maps, err := c.build(t)
			goldenPath := strings.TrimSuffix(p, ".lua") + ".ir.golden"
			if len(c.errs) > 0 {
				checkErrors(t, c, err)
				if _, err := os.Stat(goldenPath); err == nil {
					t.Errorf("%s: an error case has a golden file; remove it", goldenPath)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s", source.Detail(err))
			}
			if err := ir.Verify(f); err != nil {
				t.Fatalf("invalid IR: %v\n%s", err, f)
			}
			checkMaps(t, f, maps)
			golden.Check(t, goldenPath, []byte(f.String()))
		})
	}
}

// checkMaps checks that Build returned exactly the maps the IR names.
func checkMaps(t *testing.T, f *ir.Func, maps []*Map) {
	t.Helper()
	var refs, got []string
	for _, r := range f.Maps() {
		refs = append(refs, r.Name)
	}
	for _, m := range maps {
		got = append(got, m.Name)
	}
	sort.Strings(got) // f.Maps is sorted by name; Build's order is first use
	if fmt.Sprint(refs) != fmt.Sprint(got) {
		t.Errorf("Build returned maps %v, the IR refers to %v", got, refs)
	}
}

// checkErrors checks that err reports the case's expected errors, in
// order, each as "NAME.lua:LINE: ..." containing its text and with a
// source excerpt.
func checkErrors(t *testing.T, c *luaCase, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("compiled; want errors %v", c.errs)
	}
	var got []*source.CompileError
	var list *source.ErrorList
	var one *source.CompileError
	switch {
	case errors.As(err, &list):
		got = list.Errs
	case errors.As(err, &one):
		got = []*source.CompileError{one}
	default:
		t.Fatalf("error %q (%T) is not a compile error", err, err)
	}
	for i := 0; i < max(len(got), len(c.errs)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("missing error %s.lua:%d: %q", c.name, c.errs[i].line, c.errs[i].msg)
		case i >= len(c.errs):
			t.Errorf("unexpected error %q", got[i])
		default:
			want := fmt.Sprintf("%s.lua:%d: ", c.name, c.errs[i].line)
			if msg := got[i].Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, c.errs[i].msg) {
				t.Errorf("error %q\nwant prefix %q containing %q", msg, want, c.errs[i].msg)
			}
			if strings.Contains(got[i].Msg, "internal compiler error") {
				t.Errorf("user error reported as an internal error: %q", got[i])
			}
			if d := got[i].Detail(); !strings.Contains(d, "\n    ") {
				t.Errorf("error detail has no source excerpt: %q", d)
			}
		}
	}
}
