package runtime

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// The two ways a run is cut short from outside, as the errors the VM
// raises for them. errInterrupted is the text LuaJIT's interpreter
// raises on Ctrl-C, so scripts that match on it keep working.
var (
	errInterrupted = errors.New("interrupted!")
	errStopped     = errors.New("stopped")
)

// vmContext is the context the Lua VM runs under. gopher-lua checks
// Done before every instruction and, when it is closed, raises Err's
// text as a Lua error at the current line; Go functions that block
// (syscall.sleep) select on Done too.
//
// It is not an ordinary context: an interrupt closes Done only until the
// VM has raised it once. The VM learns of an interrupt by calling Err
// (always on the VM's own goroutine), and that call re-arms Done with a
// fresh channel, so the code that catches the error (a pcall printing a
// summary) runs on normally. A stop closes Done for good: every
// instruction raises, handlers included, so the script unwinds to the
// top whatever it catches.
//
// Interrupt and stop may be called from any goroutine; Done is one
// atomic load, as it runs before every instruction.
type vmContext struct {
	done atomic.Pointer[chan struct{}]

	mu        sync.Mutex
	closed    bool // the channel in done is closed
	pending   bool // an interrupt is waiting to be raised
	stopped   bool
	delivered bool     // at least one interrupt was raised
	after     []func() // AfterFunc callbacks, run on stop
}

func newVMContext() *vmContext {
	c := &vmContext{}
	ch := make(chan struct{})
	c.done.Store(&ch)
	return c
}

// Deadline implements context.Context: there is none.
func (c *vmContext) Deadline() (time.Time, bool) { return time.Time{}, false }

// Value implements context.Context: it carries no values.
func (c *vmContext) Value(any) any { return nil }

// Done implements context.Context.
func (c *vmContext) Done() <-chan struct{} { return *c.done.Load() }

// Err implements context.Context. Taking a pending interrupt re-arms
// Done; see vmContext.
func (c *vmContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.stopped:
		return errStopped
	case c.pending:
		c.pending, c.delivered, c.closed = false, true, false
		ch := make(chan struct{})
		c.done.Store(&ch)
		return errInterrupted
	case c.closed:
		return errInterrupted // not reached: closed implies pending or stopped
	}
	return nil
}

// AfterFunc lets context.WithCancel derive from a vmContext without a
// watcher goroutine (gopher-lua derives one context per coroutine). The
// derived contexts end on a stop only: an interrupt reaches a coroutine
// when it returns to the main thread.
func (c *vmContext) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		go f()
		return func() bool { return false }
	}
	i := len(c.after)
	c.after = append(c.after, f)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.stopped || c.after[i] == nil {
			return false
		}
		c.after[i] = nil
		return true
	}
}

// interrupt asks the VM to raise one "interrupted!" error. A second
// interrupt before the VM took the first is the same interrupt.
func (c *vmContext) interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.pending {
		return
	}
	c.pending = true
	c.close()
}

// stop ends the run: Done stays closed from now on. The derived
// contexts (coroutines') end before stop returns, so that a coroutine
// stopped by its own os.exit runs no further line.
func (c *vmContext) stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped, c.pending = true, false
	c.close()
	after := c.after
	c.after = nil
	c.mu.Unlock()
	for _, f := range after { // unlocked: f calls Err
		if f != nil {
			f()
		}
	}
}

func (c *vmContext) close() {
	if !c.closed {
		close(*c.done.Load())
		c.closed = true
	}
}

// state reports whether the VM raised an interrupt, and whether the run
// was stopped.
func (c *vmContext) state() (delivered, stopped bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.delivered, c.stopped
}

var _ context.Context = (*vmContext)(nil)
