package tracefs

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// maxLine bounds a line: a longer run of bytes without a newline comes
// back in pieces of this size. trace_pipe lines are far shorter.
const maxLine = 64 << 10

// readChunk is how much one read(2) asks for; the kernel formats
// trace_pipe output a page at a time.
const readChunk = 8 << 10

// Pipe reads trace_pipe (or any file or FIFO) line by line, and can be
// closed while another goroutine waits for a line. Its methods are safe for
// concurrent use; concurrent ReadLine calls take turns.
type Pipe struct {
	path string
	fd   int // the pipe, opened O_NONBLOCK
	wake int // eventfd that Close and context cancellation write to

	mu     sync.Mutex // held by ReadLine; Close takes it before releasing fd
	buf    []byte     // read but not yet returned
	chunk  []byte
	eof    bool
	closed atomic.Bool

	wakeMu     sync.Mutex // orders signal against closing wake
	wakeClosed bool

	closeOnce sync.Once
	closeErr  error

	beforePoll func() // test hook: called before each poll(2)
}

// OpenPipe opens the trace_pipe at path for reading, or the trace_pipe of
// the mounted tracefs (mounting it if needed) when path is "", as the
// original's bpf.tracelog(path) does. Reading trace_pipe needs root.
func OpenPipe(path string) (*Pipe, error) {
	if path == "" {
		dir, err := Mount()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(dir, "trace_pipe")
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("create eventfd for reading %s: %w", path, err)
	}
	return &Pipe{path: path, fd: fd, wake: wake, chunk: make([]byte, readChunk)}, nil
}

// Path returns the file the pipe reads.
func (p *Pipe) Path() string { return p.path }

// ReadLine returns the next line without its trailing newline, waiting
// until one is complete. It returns ctx.Err() when ctx is done before a
// line is complete, os.ErrClosed once Close has been called (also when it
// is called during the wait), and io.EOF at the end of a file that ends
// (trace_pipe never does; a FIFO does when its writers close it), after
// returning a last line that lacks a newline.
func (p *Pipe) ReadLine(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, p.signal)
		defer stop()
	}
	for {
		if p.closed.Load() {
			return "", os.ErrClosed
		}
		if line, ok := p.takeLine(); ok {
			return line, nil
		}
		if p.eof {
			return "", io.EOF
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := unix.Read(p.fd, p.chunk)
		switch {
		case n > 0:
			p.buf = append(p.buf, p.chunk[:n]...)
		case err == nil:
			p.eof = true
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			if err := p.wait(); err != nil {
				return "", err
			}
		default:
			return "", fmt.Errorf("read %s: %w", p.path, err)
		}
	}
}

// takeLine removes the first line from buf: up to a newline, at most
// maxLine bytes, or the rest at the end of the file.
func (p *Pipe) takeLine() (string, bool) {
	n, skip := bytes.IndexByte(p.buf, '\n'), 1
	switch {
	case n >= 0 && n <= maxLine:
	case len(p.buf) >= maxLine:
		n, skip = maxLine, 0
	case p.eof && len(p.buf) > 0:
		n, skip = len(p.buf), 0
	default:
		return "", false
	}
	line := string(p.buf[:n])
	p.buf = p.buf[:copy(p.buf, p.buf[n+skip:])]
	return line, true
}

// wait blocks until the pipe is readable or the eventfd is signalled, and
// drains the eventfd. The caller looks at why it woke.
func (p *Pipe) wait() error {
	fds := []unix.PollFd{
		{Fd: int32(p.fd), Events: unix.POLLIN},
		{Fd: int32(p.wake), Events: unix.POLLIN},
	}
	if p.beforePoll != nil {
		p.beforePoll()
	}
	if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
		return fmt.Errorf("poll %s: %w", p.path, err)
	}
	if fds[1].Revents&unix.POLLIN != 0 {
		var b [8]byte
		_, _ = unix.Read(p.wake, b[:]) // resets the counter; EAGAIN if a racing reader drained it
	}
	return nil
}

// signal wakes a ReadLine waiting in poll(2), unless the eventfd is gone.
func (p *Pipe) signal() {
	p.wakeMu.Lock()
	defer p.wakeMu.Unlock()
	if !p.wakeClosed {
		_, _ = unix.Write(p.wake, binary.NativeEndian.AppendUint64(nil, 1))
	}
}

// Close stops the pipe: a ReadLine waiting for a line returns os.ErrClosed
// at once, and Close returns after it has, having closed the file.
// Calling Close again returns the first call's result.
func (p *Pipe) Close() error {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		p.signal()
		p.mu.Lock() // wait for a ReadLine in progress to see closed
		defer p.mu.Unlock()
		p.wakeMu.Lock()
		p.wakeClosed = true
		p.wakeMu.Unlock()
		p.closeErr = errors.Join(unix.Close(p.fd), unix.Close(p.wake))
		if p.closeErr != nil {
			p.closeErr = fmt.Errorf("close %s: %w", p.path, p.closeErr)
		}
	})
	return p.closeErr
}
