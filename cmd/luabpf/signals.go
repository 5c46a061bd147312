package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/luabpf/luabpf/runtime"
)

// signals are SIGINT and SIGTERM as they arrive, from when notifySignals
// was called.
type signals struct {
	ch    chan os.Signal
	ready chan struct{} // closed once signal.Notify has taken effect
}

// notifySignals starts taking SIGINT and SIGTERM from their default
// action (ending the process), off the calling goroutine: the first
// signal.Notify waits for the Go runtime to start a thread of its own for
// signal masks, a few hundred microseconds (milliseconds on a loaded
// machine) that would otherwise delay the script's start. Signals that
// arrive before handle wait in the channel. Until Notify has taken
// effect a signal still ends the process, and the kernel releases the
// script's maps, programs and sockets with it; writers from gate hold the
// script's output until then, so whoever answers the output with a
// signal reaches the handler.
func notifySignals() *signals {
	s := &signals{ch: make(chan os.Signal, 2), ready: make(chan struct{})}
	go func() {
		signal.Notify(s.ch, syscall.SIGINT, syscall.SIGTERM)
		close(s.ready)
	}()
	return s
}

// handle gives the first SIGINT to the script as a catchable
// "interrupted!" error (rt.Interrupt), as LuaJIT's interpreter does, so a
// pcall around the main loop can print a summary. A second SIGINT, or
// SIGTERM, cancels the returned context, which stops the script whatever
// it catches. stop ends the handling and restores the default actions.
func (s *signals) handle(rt *runtime.Runtime) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		interrupted := false
		for {
			select {
			case sig := <-s.ch:
				if sig == syscall.SIGINT && !interrupted {
					interrupted = true
					rt.Interrupt()
					continue
				}
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return ctx, func() {
		<-s.ready // Stop before Notify would leave it registered
		signal.Stop(s.ch)
		cancel()
		<-done
	}
}

// gate returns w with every write held until signal.Notify has taken
// effect.
func (s *signals) gate(w io.Writer) io.Writer { return gatedWriter{w, s.ready} }

type gatedWriter struct {
	w     io.Writer
	ready <-chan struct{}
}

func (g gatedWriter) Write(p []byte) (int, error) {
	<-g.ready
	return g.w.Write(p)
}
