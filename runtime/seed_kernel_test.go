package runtime

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/source"
	lua "github.com/yuin/gopher-lua"
)

// A seedRun is a seed example script (the repository's testdata/seed),
// run unchanged in a Runtime whose syscall module is the test's: each
// S.sleep(n) hands control to the test, which runs crafted frames through
// the filter the script attached and then lets the script go on to print
// its next counts. The script runs in a network namespace of its own, so
// its filter on lo sees no real traffic: only the test's frames count.
type seedRun struct {
	t      *testing.T
	rt     *Runtime
	out    bytes.Buffer  // the script's stdout; read only while it sleeps or after it ended
	slept  chan struct{} // the script called S.sleep and waits
	wake   chan bool     // true lets it go on, false (or close) stops it
	done   chan error    // the script's result
	ended  bool
	result error
}

// seedTimeout bounds how long the test waits for the script to reach its
// next sleep: a broken script must fail the test, not hang it.
const seedTimeout = 30 * time.Second

// seedExamples are the seed's socket examples, in the repository's
// testdata/seed.
var seedExamples = []string{"sock-proto.lua", "sock-protolen.lua", "sock-parse-dns.lua", "sock-parse-http.lua"}

// seedSource reads the seed script name.
func seedSource(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "seed", name))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// seedStopped is what the syscall module of seedProgramDump raises.
const seedStopped = "stopped at the first sleep"

// seedProgramDump runs the seed script name in ns up to its first
// S.sleep, where the script is stopped, and returns the disassembly of
// the program it compiled.
func seedProgramDump(t *testing.T, ns *kerneltest.Netns, name string, src []byte) string {
	t.Helper()
	rt := New(&Options{Stdout: io.Discard})
	defer rt.Close()
	rt.L.PreloadModule("syscall", func(L *lua.LState) int {
		mod := L.NewTable()
		mod.RawSetString("sleep", L.NewFunction(func(L *lua.LState) int {
			L.RaiseError(seedStopped)
			return 0
		}))
		L.Push(mod)
		return 1
	})
	err := ns.Do(func() error { return rt.RunString(context.Background(), name, string(src), nil) })
	if err == nil || !strings.Contains(err.Error(), seedStopped) {
		t.Fatalf("script: %v, want it stopped at its first sleep", err)
	}
	progs := rt.Programs()
	if len(progs) != 1 {
		t.Fatalf("the script compiled %d programs, want 1", len(progs))
	}
	return progs[0].Dump()
}

// startSeed runs the seed script name up to its first S.sleep.
func startSeed(t *testing.T, name string) *seedRun {
	t.Helper()
	kerneltest.Require(t)
	src := seedSource(t, name)
	s := &seedRun{t: t, slept: make(chan struct{}), wake: make(chan bool), done: make(chan error, 1)}
	s.rt = New(&Options{Stdout: &s.out})
	s.rt.L.PreloadModule("syscall", func(L *lua.LState) int {
		mod := L.NewTable()
		mod.RawSetString("sleep", L.NewFunction(s.sleep))
		L.Push(mod)
		return 1
	})
	ns := kerneltest.NewNetns(t)
	go func() {
		s.done <- ns.Do(func() error { return s.rt.RunString(context.Background(), name, string(src), nil) })
	}()
	t.Cleanup(func() {
		if !s.ended {
			close(s.wake)
			<-s.done
		}
		s.rt.Close()
	})
	s.wait()
	if s.ended {
		t.Fatalf("the script ended before its first sleep: %v", s.result)
	}
	return s
}

// sleep is the test's S.sleep: it waits for the test.
func (s *seedRun) sleep(L *lua.LState) int {
	s.slept <- struct{}{}
	if !<-s.wake {
		L.RaiseError("the test stopped the script")
	}
	return 0
}

// wait waits until the script sleeps or ends.
func (s *seedRun) wait() {
	s.t.Helper()
	select {
	case <-s.slept:
	case err := <-s.done:
		s.ended, s.result = true, err
	case <-time.After(seedTimeout):
		s.t.Fatalf("the script neither slept nor ended within %v", seedTimeout)
	}
}

// printed returns the lines the script printed since the last call.
func (s *seedRun) printed() []string {
	text := s.out.String()
	s.out.Reset()
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// resume lets the sleeping script run to its next sleep (or its end) and
// returns what it printed meanwhile.
func (s *seedRun) resume() []string {
	s.t.Helper()
	if s.ended {
		s.t.Fatal("the script has ended")
	}
	s.wake <- true
	s.wait()
	return s.printed()
}

// filter returns the script's one program, loaded, and the map it counts
// in.
func (s *seedRun) filter() (*ebpf.Program, *ebpf.Map) {
	s.t.Helper()
	progs := s.rt.Programs()
	if len(progs) != 1 {
		s.t.Fatalf("the script compiled %d programs, want 1", len(progs))
	}
	prog, err := progs[0].Load(ebpf.SocketFilter)
	if err != nil {
		s.t.Fatal(err)
	}
	maps := progs[0].Maps()
	if len(maps) != 1 {
		s.t.Fatalf("the program uses %d maps, want 1", len(maps))
	}
	return prog, maps[0].EBPF()
}

// finish runs the script to its end and checks that every iteration left
// prints what the last one did (nothing else reaches the filter) and that
// the script printed iterations lines in all, after printedSoFar.
func (s *seedRun) finish(last []string, printedSoFar, iterations int) {
	s.t.Helper()
	n := printedSoFar
	for !s.ended {
		got := s.resume()
		if !s.ended && strings.Join(got, "\n") != strings.Join(last, "\n") {
			s.t.Errorf("an iteration without traffic printed %q, want %q again", got, last)
		}
		n += len(got)
	}
	if s.result != nil {
		s.t.Fatalf("script: %s", source.Detail(s.result))
	}
	if n != iterations {
		s.t.Errorf("the script printed %d lines, want %d", n, iterations)
	}
}

// wantLines compares printed lines.
func wantLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: the script printed %q, want %q", what, got, want)
	}
}

// wantMissing checks that m has no entry for key (a uint32).
func wantMissing(t *testing.T, m *ebpf.Map, key uint32) {
	t.Helper()
	var v uint32
	if err := m.Lookup(key, &v); err == nil {
		t.Errorf("map[%d] = %d, want no entry", key, v)
	}
}
