package difftest

import (
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

var (
	flagN    = flag.Int("difftest.n", 200, "number of programs TestDifferential generates")
	flagSeed = flag.Int64("difftest.seed", 1, "seed of TestDifferential's first program; program i has seed+i")
	flagMin  = flag.Bool("difftest.minimize", true, "shrink a failing program before reporting it")
	flagSave = flag.String("difftest.save", "", "with -difftest.seed: minimise that program's failure and save it as testdata/repro/NAME.lua")
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// failure describes how a program went wrong, or is "" when both builds
// agree with the evaluator.
func failure(p *Prog) string {
	want := Eval(p).String()
	src := p.Source()
	var out []string
	for _, noOpt := range []bool{false, true} {
		build := "optimised"
		if noOpt {
			build = "unoptimised"
		}
		got, err := runKernel(src, p.Frame, noOpt)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("%s: %s: %v", build, stageOf(err), err))
		case got.String() != want:
			out = append(out, fmt.Sprintf("%s: mismatch\n  kernel:    %s\n  reference: %s", build, got, want))
		}
	}
	return strings.Join(out, "\n")
}

// kindOf is the class of a failure the minimiser keeps: which build and
// stage went wrong.
func kindOf(f string) string {
	var kinds []string
	for _, l := range strings.Split(f, "\n") {
		// Only the builds' lines: a dump's instructions past 999 are
		// not indented.
		if strings.HasPrefix(l, "optimised: ") || strings.HasPrefix(l, "unoptimised: ") {
			if i := strings.Index(l, ": "); i > 0 {
				j := strings.Index(l[i+2:], ":")
				if j < 0 {
					j = len(l) - i - 2
				}
				kinds = append(kinds, l[:i+2+j])
			}
		}
	}
	return strings.Join(kinds, ";")
}

// TestDifferential generates -difftest.n programs from -difftest.seed on,
// runs each optimised and unoptimised in the kernel and compares both
// with the reference evaluator. A failure shows the seed, the program,
// its frame, both results and a minimised program.
func TestDifferential(t *testing.T) {
	kerneltest.Require(t)
	if *flagSave != "" {
		saveRepro(t, *flagSave, Generate(*flagSeed))
		return
	}
	start := time.Now()
	var failed, loadFailed int
	for i := 0; i < *flagN; i++ {
		seed := *flagSeed + int64(i)
		p := Generate(seed)
		f := failure(p)
		if f == "" {
			continue
		}
		failed++
		if strings.Contains(f, ": load:") {
			loadFailed++
		}
		msg := fmt.Sprintf("seed %d: %s\nframe %x\n%s", seed, f, p.Frame, numbered(p.Source()))
		if *flagMin {
			kind := kindOf(f)
			q := Minimize(p, func(q *Prog) bool { return kindOf(failure(q)) == kind })
			msg += fmt.Sprintf("minimised (%s):\n%s%s\nreference: %s", kind, q.Source(), failure(q), Eval(q))
		}
		t.Error(msg)
		if failed >= 10 {
			t.Fatalf("stopping after %d failures in %d programs", failed, i+1)
		}
	}
	n := *flagN
	t.Logf("%d programs (seeds %d..%d), each optimised and unoptimised: %d failed, %d refused by the verifier (acceptance %.2f%%), %v",
		n, *flagSeed, *flagSeed+int64(n)-1, failed, loadFailed, 100*float64(n-loadFailed)/float64(max(n, 1)), time.Since(start).Round(time.Millisecond))
}

func numbered(s string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		fmt.Fprintf(&b, "%3d %s\n", i+1, l)
	}
	return b.String()
}

// TestReproducers runs every program in testdata/repro, optimised and
// unoptimised, on the frame its header gives and checks the result its
// header records. Each is the minimised program of a compiler bug the
// differential test found.
//
// The header is Lua comments: `-- frame: HEX` and `-- want: RESULT` in
// [Result.String]'s form, and `-- skip: REASON` for a bug outside the
// compiler (a kernel's) that the program still hits.
func TestReproducers(t *testing.T) {
	kerneltest.Require(t)
	files, err := filepath.Glob("testdata/repro/*.lua")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var frame []byte
			var want string
			for _, l := range strings.Split(string(text), "\n") {
				if v, ok := strings.CutPrefix(l, "-- frame: "); ok {
					if frame, err = hex.DecodeString(v); err != nil {
						t.Fatal(err)
					}
				}
				if v, ok := strings.CutPrefix(l, "-- want: "); ok {
					want = v
				}
				if v, ok := strings.CutPrefix(l, "-- skip: "); ok {
					t.Skip(v)
				}
			}
			if frame == nil || want == "" {
				t.Fatal("no -- frame: or -- want: line")
			}
			for _, noOpt := range []bool{false, true} {
				got, err := runKernel(string(text), frame, noOpt)
				if err != nil {
					t.Fatalf("noOpt=%v: %v", noOpt, err)
				}
				if got.String() != want {
					t.Errorf("noOpt=%v:\n got  %s\n want %s", noOpt, got, want)
				}
			}
		})
	}
}

// saveRepro minimises p's failure and writes it as a reproducer, with
// the frame and the reference's result in its header.
func saveRepro(t *testing.T, name string, p *Prog) {
	kind := kindOf(failure(p))
	if kind == "" {
		t.Fatalf("seed %d does not fail", p.Seed)
	}
	q := Minimize(p, func(q *Prog) bool { return kindOf(failure(q)) == kind })
	text := fmt.Sprintf("-- difftest reproducer %s: seed %d minimised (%s)\n-- frame: %x\n-- want: %s\n%s",
		name, p.Seed, kind, q.Frame, Eval(q), q.Source())
	if err := os.WriteFile(filepath.Join("testdata", "repro", name+".lua"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s\n%s", text, failure(q))
}
