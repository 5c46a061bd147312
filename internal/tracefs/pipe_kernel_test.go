package tracefs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/tracefs"
)

var instanceSeq atomic.Int64

// newInstance creates a tracefs instance of the test's own, so that its
// trace_pipe sees no output of other tests or processes and nobody else
// consumes its lines, and removes it at the end of the test.
func newInstance(t *testing.T) string {
	t.Helper()
	kerneltest.Require(t)
	dir, err := tracefs.Mount()
	if err != nil {
		t.Fatal(err)
	}
	inst := filepath.Join(dir, "instances", fmt.Sprintf("luabpf_test_%d_%d", os.Getpid(), instanceSeq.Add(1)))
	if err := os.Mkdir(inst, 0o755); err != nil {
		t.Fatalf("create tracefs instance: %v", err)
	}
	t.Cleanup(func() {
		if err := os.Remove(inst); err != nil {
			t.Errorf("remove tracefs instance: %v", err)
		}
	})
	return inst
}

// openInstancePipe opens the trace_pipe of inst; it is closed before the
// instance is removed.
func openInstancePipe(t *testing.T, inst string) *tracefs.Pipe {
	t.Helper()
	p, err := tracefs.OpenPipe(filepath.Join(inst, "trace_pipe"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

func TestPipeReadsTraceMarker(t *testing.T) {
	inst := newInstance(t)
	p := openInstancePipe(t, inst)
	marker, err := os.OpenFile(filepath.Join(inst, "trace_marker"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer marker.Close()
	msgs := []string{fmt.Sprintf("luabpf tracefs test %d one", os.Getpid()), "two"}
	for _, m := range msgs {
		if _, err := marker.WriteString(m); err != nil {
			t.Fatalf("write trace_marker: %v", err)
		}
	}
	for _, m := range msgs {
		line, err := p.ReadLine(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// "           <...>-1234    [001] ..... 12.345678: tracing_mark_write: MESSAGE"
		if !strings.HasSuffix(line, ": tracing_mark_write: "+m) {
			t.Errorf("trace_pipe line %q does not end in the marker %q", line, m)
		}
	}
}

// TestPipeWakesOnTraceOutput writes to trace_marker while ReadLine waits
// in poll(2): trace_pipe must report itself readable.
func TestPipeWakesOnTraceOutput(t *testing.T) {
	inst := newInstance(t)
	p := openInstancePipe(t, inst)
	marker, err := os.OpenFile(filepath.Join(inst, "trace_marker"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer marker.Close()
	polls := 0
	tracefs.SetBeforePoll(p, func() {
		polls++
		if polls == 1 {
			if _, err := marker.WriteString("while waiting"); err != nil {
				t.Errorf("write trace_marker: %v", err)
			}
		}
	})
	line, err := p.ReadLine(context.Background())
	if err != nil || !strings.HasSuffix(line, ": tracing_mark_write: while waiting") {
		t.Errorf("ReadLine = %q, %v", line, err)
	}
	if polls == 0 {
		t.Errorf("ReadLine found the line without waiting; the test did not test waking")
	}
}

func TestPipeCloseWakesTracePipeReader(t *testing.T) {
	inst := newInstance(t)
	p := openInstancePipe(t, inst)
	polling := make(chan struct{}, 1)
	tracefs.SetBeforePoll(p, func() {
		select {
		case polling <- struct{}{}:
		default:
		}
	})
	done := make(chan error, 1)
	go func() {
		line, err := p.ReadLine(context.Background())
		if err == nil {
			err = errors.New("read a line from an empty instance: " + line)
		}
		done <- err
	}()
	select {
	case <-polling:
	case err := <-done:
		t.Fatalf("ReadLine returned before waiting: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("blocked ReadLine after Close: %v, want os.ErrClosed", err)
	}
}

func TestPipeCancelWakesTracePipeReader(t *testing.T) {
	inst := newInstance(t)
	p := openInstancePipe(t, inst)
	ctx, cancel := context.WithCancel(context.Background())
	tracefs.SetBeforePoll(p, cancel) // cancel once the read waits
	if _, err := p.ReadLine(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadLine on an empty instance with a cancelled wait: %v", err)
	}
}

func TestOpenPipeDefault(t *testing.T) {
	kerneltest.Require(t)
	// Only open and close: reading the global trace_pipe would take lines
	// that other tests running at the same time wait for.
	p, err := tracefs.OpenPipe("")
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := tracefs.Find()
	if want := filepath.Join(dir, "trace_pipe"); p.Path() != want {
		t.Errorf("default pipe %s, want %s", p.Path(), want)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadFormatKernel(t *testing.T) {
	kerneltest.Require(t)
	data, err := tracefs.ReadFormat("sched/sched_switch")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "name: sched_switch\n") || !strings.Contains(string(data), "field:pid_t next_pid;") {
		t.Errorf("sched/sched_switch format:\n%s", data)
	}
	_, err = tracefs.ReadFormat("sched/sched_swich")
	if err == nil || !strings.Contains(err.Error(), "did you mean 'sched/sched_switch'") {
		t.Errorf("misspelt tracepoint: %v", err)
	}
	all, err := tracefs.Tracepoints()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, n := range all {
		found[n] = true
	}
	for _, want := range []string{"sched/sched_switch", "sched/sched_process_exec", "syscalls/sys_enter_getpid"} {
		if !found[want] {
			t.Errorf("Tracepoints() lacks %s (of %d)", want, len(all))
		}
	}
}
