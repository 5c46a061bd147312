package tracefs

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openFIFO returns a Pipe reading a new FIFO and the FIFO's writing end.
// trace_pipe behaves like it: reads would block until a writer writes.
func openFIFO(t *testing.T) (*Pipe, *os.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := OpenPipe(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return p, w
}

func TestPipeLines(t *testing.T) {
	p, w := openFIFO(t)
	if _, err := w.WriteString("first\nsecond\n\nthird without newline"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var got []string
	for range 3 {
		line, err := p.ReadLine(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, line)
	}
	w.Close() // the FIFO ends: the last line comes without a newline
	line, err := p.ReadLine(ctx)
	got = append(got, line)
	if want := "first|second||third without newline"; strings.Join(got, "|") != want || err != nil {
		t.Errorf("lines %q (%v), want %q", strings.Join(got, "|"), err, want)
	}
	if line, err := p.ReadLine(ctx); err != io.EOF {
		t.Errorf("after the end: %q, %v; want io.EOF", line, err)
	}
}

func TestPipeLongLine(t *testing.T) {
	p, w := openFIFO(t)
	long := strings.Repeat("x", maxLine+10)
	go func() {
		w.WriteString(long + "\nend\n")
		w.Close()
	}()
	var lens []int
	for {
		line, err := p.ReadLine(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lens = append(lens, len(line))
	}
	if len(lens) != 3 || lens[0] != maxLine || lens[1] != 10 || lens[2] != 3 {
		t.Errorf("line lengths %v, want [%d 10 3]", lens, maxLine)
	}
}

// waitingRead starts ReadLine in a goroutine and returns once it is about
// to wait in poll(2) (or has already returned), with the channel its
// result arrives on.
func waitingRead(p *Pipe, ctx context.Context) <-chan error {
	polling := make(chan struct{}, 1)
	p.beforePoll = func() {
		select {
		case polling <- struct{}{}:
		default:
		}
	}
	done := make(chan error, 1)
	go func() {
		line, err := p.ReadLine(ctx)
		if err == nil {
			err = errors.New("got line " + line)
		}
		done <- err
	}()
	select {
	case <-polling:
	case err := <-done:
		done <- err
	}
	return done
}

func TestPipeCloseWakesReader(t *testing.T) {
	p, _ := openFIFO(t)
	done := waitingRead(p, context.Background())
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadLine after Close: %v, want os.ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := p.ReadLine(context.Background()); !errors.Is(err, os.ErrClosed) {
		t.Errorf("ReadLine on a closed pipe: %v", err)
	}
}

func TestPipeCancelWakesReader(t *testing.T) {
	p, w := openFIFO(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := waitingRead(p, ctx)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadLine after cancel: %v, want context.Canceled", err)
	}
	// The pipe still works after a cancelled read.
	if _, err := w.WriteString("after\n"); err != nil {
		t.Fatal(err)
	}
	if line, err := p.ReadLine(context.Background()); line != "after" || err != nil {
		t.Errorf("ReadLine after a cancelled one: %q, %v", line, err)
	}
	if _, err := p.ReadLine(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadLine with a done context: %v", err)
	}
}

func TestOpenPipeMissing(t *testing.T) {
	_, err := OpenPipe(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("OpenPipe of a missing file: %v", err)
	}
}
